package ai.thinkheads.phoenix.testkit.schema;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.testkit.simulator.ApiRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaAuditSessionTest {

    private static final String CONFIG = "/nodes/pve1/qemu/100/config";

    @Test
    void aCleanRunWritesTheReportWithItsCounts(@TempDir Path dir) throws Exception {
        SchemaAudit audit = SchemaAudit.create();
        audit.check(new ApiRequest("PUT", CONFIG, Map.of("cores", List.of("2")), "root@pam"));
        audit.check(new ApiRequest("PUT", CONFIG, Map.of("cores", List.of("4")), "root@pam"));
        Path report = dir.resolve("schema-audit.txt");
        assertDoesNotThrow(() -> SchemaAuditSession.conclude(audit, report));
        String text = Files.readString(report);
        assertTrue(text.contains(": 2\n"), text);
        assertTrue(text.contains("distinct requests: 1\n"), text);
        assertTrue(text.contains("refused: 0\n"), text);
    }

    @Test
    void aRefusalTheContractDidNotProvokeFailsTheRun(@TempDir Path dir) throws Exception {
        SchemaAudit audit = SchemaAudit.create();
        audit.check(new ApiRequest("PUT", CONFIG, Map.of("cores", List.of("two")), "root@pam"));
        Path report = dir.resolve("schema-audit.txt");
        AssertionError e = assertThrows(AssertionError.class, () -> SchemaAuditSession.conclude(audit, report));
        assertTrue(e.getMessage().startsWith("1 request(s) refused"), e.getMessage());
        assertTrue(e.getMessage().contains("[cores]"), e.getMessage());
        assertTrue(Files.readString(report).contains("refused: 1\n"), "the report is written before the run fails");
    }

    @Test
    void theContractsDeliberateRefusalsDoNotFailTheRun(@TempDir Path dir) {
        SchemaAudit audit = SchemaAudit.create();
        audit.check(new ApiRequest("PUT", CONFIG, Map.of("ostype", List.of("plan9")), "root@pam"));
        assertFalse(audit.refusals().isEmpty());
        assertDoesNotThrow(() -> SchemaAuditSession.conclude(audit, dir.resolve("r.txt")));
    }

    @Test
    void aRunWithoutRequestsLeavesTheReportAlone(@TempDir Path dir) {
        Path report = dir.resolve("r.txt");
        SchemaAuditSession.conclude(SchemaAudit.create(), report);
        assertFalse(Files.exists(report));
    }
}
