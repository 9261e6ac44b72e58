package dev.abi.aws;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;

/**
 * What the managed {@code java21} runtime does with a function.zip, reduced to the part a test needs: load the
 * template's {@code Handler} class from the unzipped package, construct it once, and invoke it with each event file in
 * turn (warm invocations). Each reply is printed as {@code REPLY <base64>} on its own line.
 *
 * <p>Usage: {@code LambdaRuntimeShim <class::method> <event.json>...}
 */
public final class LambdaRuntimeShim {

    private LambdaRuntimeShim() {}

    public static void main(String[] args) throws Exception {
        String handlerClass = args[0].substring(0, args[0].indexOf("::"));
        RequestStreamHandler handler = (RequestStreamHandler)
                Class.forName(handlerClass).getDeclaredConstructor().newInstance();
        for (int i = 1; i < args.length; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = Files.newInputStream(Path.of(args[i]))) {
                handler.handleRequest(in, out, new ShimContext());
            }
            System.out.println("REPLY " + Base64.getEncoder().encodeToString(out.toByteArray()));
        }
        System.out.flush();
        System.exit(0);
    }

    private static final class ShimContext implements Context {
        private final String requestId = UUID.randomUUID().toString();

        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/abi-api";
        }

        @Override
        public String getLogStreamName() {
            return "shim";
        }

        @Override
        public String getFunctionName() {
            return "abi-api";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:abi-api";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 30_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 2048;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.println(message);
                }

                @Override
                public void log(byte[] message) {
                    System.err.println(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
