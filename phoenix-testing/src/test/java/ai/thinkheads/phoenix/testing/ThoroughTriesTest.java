package ai.thinkheads.phoenix.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a property annotated {@code @ThoroughTries(37)} with {@code tries = 11} through the JUnit
 * Platform, as surefire does, once as the default build and once as the thorough suite, and counts
 * the tries that ran.
 */
class ThoroughTriesTest {

    static final AtomicInteger RAN = new AtomicInteger();

    /** Not a test of its own: jqwik runs a nested class only when it is a {@code @Group}. */
    static class Counted {
        @Property(tries = 11)
        @ThoroughTries(37)
        void counts(@ForAll int number) {
            RAN.incrementAndGet();
        }
    }

    private final String before = System.getProperty(ThoroughSuite.PROPERTY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(ThoroughSuite.PROPERTY);
        } else {
            System.setProperty(ThoroughSuite.PROPERTY, before);
        }
    }

    private static int triesRun() {
        RAN.set(0);
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Counted.class))
                .filters(org.junit.platform.launcher.EngineFilter.includeEngines("jqwik"))
                .build());
        return RAN.get();
    }

    @Test
    void theDefaultBuildRunsThePropertysTries() {
        System.setProperty(ThoroughSuite.PROPERTY, "false");
        assertEquals(11, triesRun());
    }

    @Test
    void theThoroughSuiteRunsTheThoroughTries() {
        System.setProperty(ThoroughSuite.PROPERTY, "true");
        assertEquals(37, triesRun());
    }
}
