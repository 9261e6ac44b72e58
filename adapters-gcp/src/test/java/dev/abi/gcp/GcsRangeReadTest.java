package dev.abi.gcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GCS has no emulator in this build: a stand-in {@link Storage} whose read channel serves an 8 MiB object and records
 * what the store asked for. The ranged read seeks, limits the channel to the range, and takes only the range's bytes.
 */
class GcsRangeReadTest {

    private final byte[] object = new byte[8 * 1024 * 1024];
    private final List<String> requests = new ArrayList<>();
    private long served;

    private ReadChannel channel() {
        long[] position = {0};
        long[] limit = {Long.MAX_VALUE};
        return (ReadChannel) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ReadChannel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "seek" -> {
                        position[0] = (Long) args[0];
                        requests.add("seek " + args[0]);
                        yield null;
                    }
                    case "limit" -> {
                        if (args == null) {
                            yield limit[0];
                        }
                        limit[0] = (Long) args[0];
                        requests.add("limit " + args[0]);
                        yield proxy;
                    }
                    case "read" -> {
                        ByteBuffer dst = (ByteBuffer) args[0];
                        long end = Math.min(object.length, limit[0]);
                        if (position[0] >= end) {
                            yield -1;
                        }
                        int n = (int) Math.min(dst.remaining(), end - position[0]);
                        dst.put(object, (int) position[0], n);
                        position[0] += n;
                        served += n;
                        yield n;
                    }
                    case "isOpen" -> true;
                    case "close", "setChunkSize" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Storage storage() {
        return (Storage) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Storage.class}, (proxy, method, args) -> {
                    if (method.getName().equals("reader") && args.length >= 1 && args[0] instanceof BlobId id) {
                        requests.add("reader " + id.getName());
                        return channel();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void getRangeSeeksLimitsAndReadsOnlyTheRange() {
        new Random(3).nextBytes(object);
        GcsObjectStore store = new GcsObjectStore(storage(), "bucket", "tenant");
        byte[] got = store.getRange("seg/x.bin.c0", 5_000_000, 70_000);
        assertArrayEquals(Arrays.copyOfRange(object, 5_000_000, 5_070_000), got);
        assertEquals(List.of("reader tenant/seg/x.bin.c0", "seek 5000000", "limit 5070000"), requests);
        assertEquals(70_000, served, "only the range was read from the channel");

        served = 0;
        byte[] tail = store.getRange("seg/x.bin.c0", object.length - 10, 4096);
        assertArrayEquals(Arrays.copyOfRange(object, object.length - 10, object.length), tail);
        assertTrue(served <= 10);
    }
}
