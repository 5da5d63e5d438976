package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link VmConfigFiles}: GNU tail's framing, parse_vm_config's sections, the digest, the command-line limit. */
class VmConfigFilesTest {

    private static final VmRef A = VmRef.of("pve", 100);
    private static final VmRef B = VmRef.of("pve", 101);

    @Test
    void splitsTailOutputIntoTheExactFileTexts() {
        String a = "#hello\ncores: 2\n";
        String b = "memory: 512\n\n[snap1]\ncores: 1\n";
        String out = "==> /etc/pve/nodes/pve/qemu-server/100.conf <==\n" + a
                + "\n==> /etc/pve/nodes/pve/qemu-server/101.conf <==\n" + b;
        Map<String, String> files = VmConfigFiles.split(out);
        assertEquals(List.of(a, b), List.copyOf(files.values()));
        Map<Integer, VmConfig> configs = VmConfigFiles.parse(out, List.of(A, B));
        assertEquals(VmConfigFiles.sha1Hex(a), configs.get(100).digest());
        assertEquals(VmConfigFiles.sha1Hex(b), configs.get(101).digest());
        assertEquals(Map.of("description", "hello", "cores", "2"), configs.get(100).values());
        assertEquals(Map.of("memory", "512"), configs.get(101).values(), "snapshot sections are not the current config");
    }

    @Test
    void anEmptyFileIsAnEmptyConfig() {
        String out = "==> /etc/pve/nodes/pve/qemu-server/100.conf <==\n\n==> /etc/pve/nodes/pve/qemu-server/101.conf <==\ncores: 1\n";
        Map<Integer, VmConfig> configs = VmConfigFiles.parse(out, List.of(A, B));
        assertEquals(Map.of(), configs.get(100).values());
        assertEquals(VmConfigFiles.sha1Hex(""), configs.get(100).digest());
    }

    @Test
    void pendingValuesAreAppliedAndTheCloudInitPasswordMasked() {
        String raw = "#first%3A line\n#second\ncores: 2\nnet0: virtio,bridge=vmbr0\ncipassword: $5$hash\n\n[PENDING]\ncores: 4\ndelete: net0\n";
        VmConfig c = VmConfigFiles.parseFile(A, raw);
        assertEquals(Map.of("description", "first: line\nsecond", "cores", "4", "cipassword", "**********"), c.values());
    }

    @Test
    void theFixtureParsesToItsTopSection() throws IOException {
        Path fixture = Path.of(System.getProperty("phoenix.shared.dir", "../../shared"), "pve-api", "fixtures",
                "qemu-server-vm.cloudinit-snapshot.conf");
        String raw = Files.readString(fixture, StandardCharsets.UTF_8);
        VmConfig c = VmConfigFiles.parseFile(A, raw);
        assertEquals(VmConfigFiles.sha1Hex(raw), c.digest());
        // the top section, not [special:cloudinit] (name deb122, ip=dhcp) nor the snapshot (numa, snaptime)
        assertEquals("deb1223", c.values().get("name"));
        assertEquals("ip6=dhcp", c.values().get("ipconfig0"));
        assertEquals("0", c.values().get("numa"));
        assertEquals("cloudinit", c.values().get("parent"));
        assertTrue(!c.values().containsKey("snaptime"), "snapshot keys stay in their section");
    }

    @Test
    void aLineParseVmConfigWouldNotTakeIsUnexpectedOutput() {
        assertThrows(UnexpectedOutputException.class, () -> VmConfigFiles.parseFile(A, "Cores = 2\n"));
    }

    @Test
    void manyVmsAreSplitOverCommandLinesBelowTheArgumentLimit() {
        List<VmRef> refs = new ArrayList<>();
        for (int id = 100; id < 5100; id++) {
            refs.add(VmRef.of("pve", id));
        }
        List<QmCommand> commands = VmConfigFiles.commands(refs);
        assertEquals(3, commands.size());
        int paths = 0;
        for (QmCommand c : commands) {
            assertTrue(ShellQuoting.commandLine(c.argv()).length() < 128 * 1024);
            assertEquals(List.of("tail", "-v", "-n", "+1", "--"), c.argv().subList(0, 5));
            paths += c.argv().size() - 5;
        }
        assertEquals(5000, paths);
        assertEquals(1, VmConfigFiles.commands(refs.subList(0, 1000)).size());
    }
}
