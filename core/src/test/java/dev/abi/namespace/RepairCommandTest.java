package dev.abi.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.LocalDiskObjectStore;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code abi-repair} over a local data directory. */
class RepairCommandTest {

    @TempDir
    Path data;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return RepairCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checkFindsTheUnreadableEntryAndQuarantineRepairsIt() {
        LocalDiskObjectStore disk = new LocalDiskObjectStore(data);
        NamespaceStore.Options noFolds = new NamespaceStore.Options(
                Duration.ofDays(7),
                Duration.ofHours(1),
                100_000,
                8,
                Duration.ofSeconds(30)); // version 2 stays in the unfolded log, so the head needs its WAL
        NamespaceService server = new NamespaceService(
                new NamespaceStore(disk, new ObjectMetadataStore(disk, Clock.systemUTC()), Clock.systemUTC(), noFolds),
                Runnable::run);
        for (int i = 1; i <= 32; i++) {
            server.upsert("docs", List.of(new VectorRecord("v" + i, new float[] {i, 1}, Map.of())));
        }
        String wal = server.store()
                .open("docs")
                .orElseThrow()
                .log()
                .entry(2)
                .orElseThrow()
                .walKey();
        StoredObject o = disk.get(wal).orElseThrow();
        byte[] flipped = o.bytes().clone();
        flipped[flipped.length - 1] ^= 1;
        disk.putIfMatch(wal, flipped, o.etag());

        assertEquals(1, run("check", "--data", data.toString(), "--namespace", "docs"));
        assertTrue(printed().contains(wal) && printed().contains("--version 2"), printed());
        assertEquals(1, run("quarantine", "--data", data.toString(), "--namespace", "docs", "--version", "3"));
        assertTrue(printed().contains("readable"), printed());

        assertEquals(0, run("quarantine", "--data", data.toString(), "--namespace", "docs", "--version", "2"));
        assertTrue(printed().contains("writes are accepted again"), printed());
        assertEquals(0, run("check", "--data", data.toString(), "--namespace", "docs"));
        assertTrue(printed().contains("version 33, 31 vectors"), printed()); // 33: the repair's restore to the head
        assertEquals(
                34,
                server.upsert("docs", List.of(new VectorRecord("x", new float[] {0, 1}, Map.of())))
                        .version(),
                "the running server takes writes again");
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, run());
        assertEquals(2, run("fix", "--data", data.toString(), "--namespace", "docs"));
        assertEquals(2, run("check", "--namespace", "docs"));
        assertEquals(2, run("quarantine", "--data", data.toString(), "--namespace", "docs", "--version", "-1"));
        assertEquals(2, run("check", "--data", data.resolve("nope").toString(), "--namespace", "docs"));
        assertTrue(printed().contains("usage"), printed());
        assertEquals(1, run("check", "--data", data.toString(), "--namespace", "docs"), "no such namespace");
    }
}
