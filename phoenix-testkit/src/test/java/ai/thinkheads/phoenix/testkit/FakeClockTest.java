package ai.thinkheads.phoenix.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeClockTest {

    @Test
    void startsAtTheDefaultAndMovesOnlyWhenTold() throws InterruptedException {
        FakeClock clock = new FakeClock();
        assertEquals(FakeClock.DEFAULT_START, clock.now());
        clock.sleep(Duration.ofSeconds(3));
        assertEquals(FakeClock.DEFAULT_START.plusSeconds(3), clock.now());
        clock.advance(Duration.ofSeconds(-5));
        assertEquals(FakeClock.DEFAULT_START.plusSeconds(3), clock.now(), "negative durations do not move it");
        clock.advanceTo(FakeClock.DEFAULT_START.plusSeconds(10));
        assertEquals(FakeClock.DEFAULT_START.plusSeconds(10), clock.now());
        assertThrows(IllegalArgumentException.class, () -> clock.advanceTo(Instant.EPOCH));
    }

    @Test
    void sleepingWhileInterruptedThrows() {
        FakeClock clock = new FakeClock(Instant.EPOCH);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> clock.sleep(Duration.ofSeconds(1)));
        assertEquals(Instant.EPOCH, clock.now());
    }

    @Test
    void concurrentSleepsAllCount() throws InterruptedException {
        FakeClock clock = new FakeClock(Instant.EPOCH);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    clock.advance(Duration.ofMillis(1));
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(Instant.EPOCH.plusSeconds(4), clock.now());
    }
}
