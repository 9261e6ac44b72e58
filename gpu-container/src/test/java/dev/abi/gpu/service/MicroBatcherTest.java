package dev.abi.gpu.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Batches form from what queued while the previous batch ran; answers go back to their own requests. */
class MicroBatcherTest {

    @Test
    void requestsQueuedDuringABatchBecomeTheNextBatch() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        try (MicroBatcher<Integer, String> b = new MicroBatcher<>("test-batcher", 4, reqs -> {
            batches.add(List.copyOf(reqs));
            if (batches.size() == 1) {
                firstStarted.countDown();
                await(release);
            }
            return reqs.stream().map(r -> "answer-" + r).toList();
        })) {
            CompletableFuture<String> first = b.submit(0);
            assertEquals(true, firstStarted.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<String>> rest = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                rest.add(b.submit(i));
            }
            release.countDown();
            assertEquals("answer-0", first.get(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 6; i++) {
                assertEquals("answer-" + i, rest.get(i - 1).get(10, TimeUnit.SECONDS));
            }
            // the six that waited went as a batch of maxBatch (4), then the remaining 2
            assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4), List.of(5, 6)), batches);
        }
    }

    @Test
    void aFailedBatchFailsEachOfItsRequests() {
        IllegalStateException boom = new IllegalStateException("device lost");
        try (MicroBatcher<Integer, String> b = new MicroBatcher<>("test-batcher", 8, reqs -> {
            throw boom;
        })) {
            CompletionException e =
                    assertThrows(CompletionException.class, () -> b.submit(1).join());
            assertSame(boom, e.getCause());
        }
    }

    @Test
    void aWrongNumberOfAnswersIsAFailureNotAMisroute() {
        try (MicroBatcher<Integer, String> b = new MicroBatcher<>("test-batcher", 8, reqs -> List.of())) {
            CompletionException e =
                    assertThrows(CompletionException.class, () -> b.submit(1).join());
            assertEquals("0 answers to 1 requests", e.getCause().getMessage());
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
