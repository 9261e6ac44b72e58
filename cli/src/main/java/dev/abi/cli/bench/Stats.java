package dev.abi.cli.bench;

import java.util.Arrays;

/** Mean, sample standard deviation and nearest-rank percentiles of a set of measurements. */
record Stats(double[] sorted) {

    static Stats of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no measurements");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return new Stats(s);
    }

    double mean() {
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return sum / sorted.length;
    }

    /** The sample standard deviation; 0 for one measurement. */
    double std() {
        if (sorted.length < 2) {
            return 0;
        }
        double m = mean();
        double sq = 0;
        for (double v : sorted) {
            sq += (v - m) * (v - m);
        }
        return Math.sqrt(sq / (sorted.length - 1));
    }

    /** The nearest-rank percentile, {@code p} in 0..100. */
    double percentile(double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double max() {
        return sorted[sorted.length - 1];
    }
}
