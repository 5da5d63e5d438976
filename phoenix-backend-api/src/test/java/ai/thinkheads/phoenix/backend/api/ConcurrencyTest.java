package ai.thinkheads.phoenix.backend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** maxConcurrentRequests bounds the requests in flight. */
@ExtendWith(SchemaCoverage.class)
class ConcurrencyTest {

    @Test
    void aSecondRequestWaitsForAFreeSlot() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.tokenApi(server, new ManualTime()).maxConcurrentRequests(1).build()) {
            CountDownLatch firstArrived = new CountDownLatch(1);
            CountDownLatch releaseFirst = new CountDownLatch(1);
            server.enqueue(SchemaCheckingServer.json(200, "{\"data\":\"100\"}"));
            server.enqueue(SchemaCheckingServer.json(200, "{\"data\":\"101\"}"));
            server.onRequest(() -> {
                firstArrived.countDown();
                await(releaseFirst);
            });

            Future<Integer> first = pool.submit(api::nextFreeVmid);
            await(firstArrived);
            Thread[] second = new Thread[1];
            Future<Integer> secondResult = pool.submit(() -> {
                second[0] = Thread.currentThread();
                return api.nextFreeVmid();
            });
            // wait (without a fixed sleep) until the second caller blocks on the permit
            // (or until its request shows up, which is the failure this test is for)
            long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((second[0] == null || second[0].getState() != Thread.State.WAITING)
                    && server.requestCount() < 2 && System.nanoTime() < guard) {
                Thread.onSpinWait();
            }
            assertEquals(1, server.requestCount(), "the second request must not be on the wire yet");
            server.onRequest(() -> { });
            releaseFirst.countDown();
            assertEquals(100, first.get(10, TimeUnit.SECONDS));
            assertEquals(101, secondResult.get(10, TimeUnit.SECONDS));
            assertEquals(2, server.requestCount());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
