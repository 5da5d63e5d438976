package ai.thinkheads.phoenix.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

/**
 * Runs a property that fails with an exception naming no value, through the JUnit Platform as
 * surefire does, and checks that the failure the build shows carries the shrunk sample. The hook is
 * registered for this module's tests in {@code META-INF/services}; without it the failure would be
 * the bare {@code IllegalStateException}.
 */
class ShrunkSampleInFailureMessageTest {

    /** Not a test of its own: jqwik runs a nested class only when it is a {@code @Group}. */
    static class FailsFromOneThousand {
        @Property(seed = "42", tries = 200)
        void staysBelowOneThousand(@ForAll int number) {
            if (number >= 1000) {
                throw new IllegalStateException("too big");
            }
        }
    }

    @Test
    void theFailureMessageNamesTheShrunkSampleAndKeepsTheOriginalAsCause() {
        List<TestExecutionResult> failures = new ArrayList<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(FailsFromOneThousand.class))
                        .filters(org.junit.platform.launcher.EngineFilter.includeEngines("jqwik"))
                        .build(),
                new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                            failures.add(result);
                        }
                    }
                });

        assertEquals(1, failures.size(), "the property fails once");
        Throwable failure = failures.get(0).getThrowable().orElseThrow();
        String message = failure.getMessage();
        assertTrue(message.startsWith("java.lang.IllegalStateException: too big"), message);
        assertTrue(message.contains(ShrunkSampleInFailureMessage.MARKER), message);
        assertTrue(message.contains("  number: 1000"), "the shrunk sample, by parameter name: " + message);
        assertInstanceOf(IllegalStateException.class, failure.getCause());
    }
}
