package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.thinkheads.phoenix.hypervisor.Upid;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parsing of qm's own text formats. pvesh's JSON is the API's, decoded by the shared
 * {@code ProxmoxReplies} (see its test in phoenix-core).
 */
class QmOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String pveshOutputOf(String fixture) throws Exception {
        Path dir = Path.of(System.getProperty("phoenix.shared.dir", "../../shared"), "pve-api", "fixtures");
        return JSON.writeValueAsString(JSON.readTree(Files.readString(dir.resolve(fixture))).get("data")) + "\n";
    }

    // ---- qm list --------------------------------------------------------------------------

    @Test
    void qmListWithoutVmsPrintsNothing() {
        assertEquals(List.of(), QmOutput.qmList(""));
    }

    @Test
    void qmListRows() {
        String out = """
                      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \s
                       100 web01                running    2048              32.00 12345     \s
                       101 VM 101               stopped    512.5              0.00 0         \s
                      9000 debian12-tmpl-with-a-long-name stopped    2048               2.20 0         \s
                """;
        List<LocalVm> vms = QmOutput.qmList(out);
        assertEquals(3, vms.size());
        assertEquals(new LocalVm(100, "web01", "running", 2048, 32.0, 12345), vms.get(0));
        assertEquals(new LocalVm(101, "VM 101", "stopped", 512.5, 0.0, 0), vms.get(1));
        assertEquals("debian12-tmpl-with-a-long-name", vms.get(2).name());
    }

    @Test
    void qmListGarbageIsReported() {
        assertThrows(UnexpectedOutputException.class, () -> QmOutput.qmList("what is this\n"));
    }

    // ---- qm config ------------------------------------------------------------------------

    @Test
    void qmConfigLinesWithAnEncodedDescription() {
        String out = """
                boot: order=scsi0;ide2;net0
                description: first%20line%0Asecond%3A 100%25 %C3%BC
                memory: 2048
                net0: virtio=BC:24:11:2C:69:EC,bridge=vmbr0,firewall=1
                scsi0: local-lvm:vm-100-disk-0,iothread=1,size=32G
                """;
        Map<String, String> config = QmOutput.qmConfig(out);
        assertEquals("first line\nsecond: 100% \u00fc", config.get("description"));
        assertEquals("virtio=BC:24:11:2C:69:EC,bridge=vmbr0,firewall=1", config.get("net0"));
        assertEquals("order=scsi0;ide2;net0", config.get("boot"));
        assertEquals(4 + 1, config.size());
    }

    @Test
    void qmConfigWithoutColonIsReported() {
        assertThrows(UnexpectedOutputException.class, () -> QmOutput.qmConfig("nonsense\n"));
    }

    // ---- pvesh's UPID ----------------------------------------------------------------------

    @Test
    void theUpidPveshPrintsLast() {
        Upid upid = QmOutput.lastUpid("some log line\nUPID:pve1:000FF1FD:10F9374C:630D702C:imgdel:local:root@pam:\n", "pvesh delete");
        assertEquals("imgdel", upid.type());
        assertThrows(UnexpectedOutputException.class, () -> QmOutput.lastUpid("no upid here\n", "pvesh delete"));
    }
}
