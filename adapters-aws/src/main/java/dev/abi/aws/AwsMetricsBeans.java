package dev.abi.aws;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Metrics of the Lambda package: CloudWatch Embedded Metric Format lines on stdout, flushed per invocation. */
public class AwsMetricsBeans {

    @Produces
    @Singleton
    EmfMetrics emfMetrics() {
        return new EmfMetrics(line -> System.out.println(line)); // System.out read per line: the runtime may swap it
    }
}
