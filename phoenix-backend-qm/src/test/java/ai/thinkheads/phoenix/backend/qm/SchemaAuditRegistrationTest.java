package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.testkit.schema.SchemaAuditSession;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The schema audit of this module's requests is written and asserted by {@link SchemaAuditSession}
 * when the whole test run ends; that only happens if the JUnit Platform finds it.
 */
class SchemaAuditRegistrationTest {

    @Test
    void theSchemaAuditSessionIsRegisteredWithTheJUnitPlatform() {
        assertTrue(ServiceLoader.load(LauncherSessionListener.class).stream()
                        .anyMatch(p -> p.type() == SchemaAuditSession.class),
                "META-INF/services/org.junit.platform.launcher.LauncherSessionListener names SchemaAuditSession");
    }
}
