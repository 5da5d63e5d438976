package ai.thinkheads.phoenix.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpidTest {

    @Test
    void parsesTheFixtureUpidFromTaskStatus() {
        // the UPID in ../shared/pve-api/fixtures/task-status.*.json (proxmoxer's mock, marker removed)
        Upid upid = Upid.parse("UPID:node1:003C8C2F:0C0E0C5F:64C7B5FD:qmstart:100:root@pam:");
        assertEquals("node1", upid.node());
        assertEquals(0x003C8C2FL, upid.pid());
        assertEquals(0x0C0E0C5FL, upid.pstart());
        assertEquals(Instant.ofEpochSecond(0x64C7B5FDL), upid.started());
        assertEquals("qmstart", upid.type());
        assertEquals("100", upid.id());
        assertEquals("root@pam", upid.user());
    }

    @Test
    void emptyIdIsAllowed() {
        Upid upid = Upid.parse("UPID:pve:00001234:00005678:65000000:imgcopy::root@pam:");
        assertEquals("", upid.id());
        assertEquals("UPID:pve:00001234:00005678:65000000:imgcopy::root@pam:", upid.toString());
    }

    @Test
    void nineDigitPstartIsAllowed() {
        // PVE::UPID::decode allows pstart up to 9 hex digits (long uptimes)
        Upid upid = Upid.parse("UPID:pve:00001234:123456789:65000000:qmstop:101:root@pam!tok:");
        assertEquals(0x123456789L, upid.pstart());
        assertEquals("root@pam!tok", upid.user());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "UPID:pve:00001234:00005678:65000000:qmstart:100:root@pam",   // no trailing colon
        "UPID:pve:1234:00005678:65000000:qmstart:100:root@pam:",      // pid not 8 hex
        "UPID:-pve:00001234:00005678:65000000:qmstart:100:root@pam:", // node starts with dash
        "UPID:pve:00001234:00005678:65000000::100:root@pam:",         // empty type
        "UPID:pve:00001234:00005678:65000000:qmstart:100::",          // empty user
        "UPID:pve:00001234:00005678:65000000:qm start:100:root@pam:", // whitespace
        "upid:pve:00001234:00005678:65000000:qmstart:100:root@pam:",
        ""})
    void rejectsMalformed(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Upid.parse(text));
        assertTrue(e.getMessage().contains("not a valid UPID"), e.getMessage());
        assertFalse(Upid.isValid(text));
    }

    @Test
    void constructorRefusesFieldsThatWouldNotParseBack() {
        assertThrows(IllegalArgumentException.class, () -> new Upid("pve", 1, 1, 1, "qm:start", "100", "root@pam"));
        assertThrows(IllegalArgumentException.class, () -> new Upid("pve", -1, 1, 1, "qmstart", "100", "root@pam"));
    }

    @Property(tries = 500)
    void formatThenParseIsIdentity(@ForAll("upids") Upid upid) {
        assertEquals(upid, Upid.parse(upid.toString()));
    }

    @Provide
    Arbitrary<Upid> upids() {
        Arbitrary<String> node = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(20)
                .map(s -> "n" + s);
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFFFFFFL);
        Arbitrary<Long> pstart = Arbitraries.longs().between(0, 0xFFFFFFFFFL);
        Arbitrary<String> type = Arbitraries.of("qmcreate", "qmstart", "qmclone", "qmdestroy", "vzcreate", "imgcopy");
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.integers().between(100, 999999999).map(String::valueOf));
        Arbitrary<String> user = Arbitraries.of("root@pam", "phoenix@pve!ci", "admin@pve");
        return Combinators.combine(node, u32, pstart, u32, type, id, user).as(Upid::new);
    }
}
