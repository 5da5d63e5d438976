package ai.thinkheads.phoenix.testkit.schema;

import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Writes and asserts the JVM-wide {@link SchemaAudit#shared() schema audit} once the whole test run
 * of a module is over: every engine (Jupiter and jqwik, so the stateful properties too) has run,
 * so every request the module's tests sent reaches the report. A module opts in by registering
 * this class in {@code src/test/resources/META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 *
 * <p>The report goes to {@code target/schema-audit.txt}. A refusal that
 * {@link HypervisorContract#provokedRejection} does not account for fails the run, and so does a
 * value whose named format no verifier checks ({@link SchemaAudit#uncheckedFormats()}): the listener
 * throws, and the build fails (see {@link #conclude}).
 */
public final class SchemaAuditSession implements LauncherSessionListener {

    /** Where the report lands, relative to the module directory surefire runs in. */
    public static final Path REPORT = Path.of("target", "schema-audit.txt");

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        conclude(SchemaAudit.shared(), REPORT);
    }

    /**
     * Writes {@code audit}'s report to {@code report} and throws when it holds a refusal the
     * contract did not provoke. Surefire reports an exception thrown here as "There was an error in
     * the forked process" with this message, and the build fails.
     *
     * @throws AssertionError naming how many requests were refused and where the report is
     */
    static void conclude(SchemaAudit audit, Path report) {
        if (audit.checkedCount() == 0) {
            return; // a run that sent no request (a single unrelated test) leaves the last report alone
        }
        audit.writeReport(report);
        // no console output here: surefire has closed the run's output capture by now
        List<SchemaAudit.Refusal> defects = audit.refusedExcept(r -> HypervisorContract.provokedRejection(r.params()));
        if (!audit.uncheckedFormats().isEmpty()) {
            throw new AssertionError("values with named formats no verifier checks were sent: " + audit.uncheckedFormats()
                    + "; add them to NamedFormats; see " + report.toAbsolutePath());
        }
        if (!defects.isEmpty()) {
            throw new AssertionError(defects.size() + " request(s) refused by the PVE schemas and not provoked on purpose, first "
                    + defects.get(0).request().method() + " " + defects.get(0).request().path() + " " + defects.get(0).errors().keySet()
                    + "; see " + report.toAbsolutePath());
        }
    }
}
