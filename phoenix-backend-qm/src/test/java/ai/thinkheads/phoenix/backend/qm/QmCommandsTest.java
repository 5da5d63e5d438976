package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Upid;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class QmCommandsTest {

    private final QmCommands qm = new QmCommands("pve1");

    @Test
    void createPassesOptionsAsKeyValuePairsThenPoolAndStart() {
        CreateRequest req = new CreateRequest("pve1", 100, Map.of("memory", "2048", "name", "web01",
                "net0", "virtio,bridge=vmbr0,firewall=1"), "prod", true);
        assertEquals(List.of("qm", "create", "100", "--memory", "2048", "--name", "web01",
                "--net0", "virtio,bridge=vmbr0,firewall=1", "--pool", "prod", "--start", "1"), qm.create(req).argv());
    }

    @Test
    void createRefusesNonOptionKeysInTheConfig() {
        assertThrows(IllegalArgumentException.class,
                () -> qm.create(CreateRequest.of("pve1", 100, Map.of("pool", "x"))));
        assertThrows(IllegalArgumentException.class,
                () -> qm.create(CreateRequest.of("pve1", 100, Map.of("Bad Key", "x"))));
    }

    @Test
    void setSendsDeletionsAsOneListAndTheDigest() {
        ConfigUpdate u = new ConfigUpdate(Map.of("cores", "4"), Set.of("net1", "ide2"),
                "0123456789abcdef0123456789abcdef01234567");
        assertEquals(List.of("qm", "set", "100", "--cores", "4", "--delete", "ide2,net1",
                "--digest", "0123456789abcdef0123456789abcdef01234567"), qm.set(100, u).argv());
    }

    @Test
    void aValueStartingWithDashesStaysTheValueOfItsOption() {
        // Getopt::Long "=s" options take the next word even when it starts with '-'
        assertEquals(List.of("qm", "set", "100", "--description", "--delete all"),
                qm.set(100, ConfigUpdate.set("description", "--delete all")).argv());
    }

    @Test
    void sshkeysTravelOnStdinDecoded() {
        String keys = "ssh-ed25519 AAAA me@host\nssh-rsa BBBB you@host";
        String encoded = "ssh-ed25519%20AAAA%20me%40host%0Assh-rsa%20BBBB%20you%40host";
        QmCommand c = qm.set(100, ConfigUpdate.set(Map.of("sshkeys", encoded, "ciuser", "admin")));
        assertEquals(List.of("qm", "set", "100", "--ciuser", "admin", "--sshkeys", "/dev/stdin"), c.argv());
        assertArrayEquals(keys.getBytes(StandardCharsets.UTF_8), c.stdin());
    }

    @Test
    void sshkeysMustBeUrlEncoded() {
        assertThrows(IllegalArgumentException.class, () -> qm.set(100, ConfigUpdate.set("sshkeys", "ssh-rsa %zz")));
        assertThrows(IllegalArgumentException.class, () -> qm.set(100, ConfigUpdate.set("sshkeys", "ends with %4")));
    }

    @Test
    void cipasswordIsNeverOnTheCommandLineButOnStdinTwice() {
        String hash = "$6$rounds=5000$salt$abcdefHASH";
        QmCommand c = qm.set(100, ConfigUpdate.set(Map.of("cipassword", hash, "ciuser", "admin")));
        // pve-common get_options: cipassword:s without a value calls PVE::PTY::get_confirmed_password,
        // which reads two lines from a STDIN that is not a terminal
        assertEquals(List.of("qm", "set", "100", "--ciuser", "admin", "--cipassword"), c.argv());
        assertEquals(hash + "\n" + hash + "\n", new String(c.stdin(), StandardCharsets.UTF_8));
        assertFalse(c.toString().contains(hash), c.toString());
        assertEquals("error near <redacted>", c.redact("error near " + hash));
        assertTrue(qm.separatePasswordCommand(100, Map.of("cipassword", hash)).isEmpty());
    }

    @Test
    void cipasswordGetsAQmSetOfItsOwnWhenSshkeysTakeStdin() {
        String hash = "$6$salt$HASH";
        Map<String, String> config = Map.of("cipassword", hash, "sshkeys", "ssh-ed25519%20AAAA", "memory", "512");
        QmCommand set = qm.set(100, ConfigUpdate.set(config));
        assertEquals(List.of("qm", "set", "100"), set.argv().subList(0, 3));
        assertEquals(7, set.argv().size(), set.argv().toString());
        assertTrue(set.argv().containsAll(List.of("--memory", "512", "--sshkeys", "/dev/stdin")), set.argv().toString());
        assertFalse(set.argv().contains("--cipassword"), set.argv().toString());
        assertEquals("ssh-ed25519 AAAA", new String(set.stdin(), StandardCharsets.UTF_8));
        QmCommand password = qm.separatePasswordCommand(100, config).orElseThrow();
        assertEquals(List.of("qm", "set", "100", "--cipassword"), password.argv());
        assertEquals(hash + "\n" + hash + "\n", new String(password.stdin(), StandardCharsets.UTF_8));
        // create leaves the password and the start to the caller: the VM boots with its password
        QmCommand create = qm.create(new CreateRequest("pve1", 100, config, null, true));
        assertFalse(create.argv().contains("--cipassword") || create.argv().contains("--start"), create.argv().toString());
        QmCommand createOnly = qm.create(new CreateRequest("pve1", 100, Map.of("cipassword", hash), null, true));
        assertEquals(List.of("qm", "create", "100", "--start", "1", "--cipassword"), createOnly.argv());
    }

    @Test
    void cipasswordThatStartsWithADashOrIsZeroIsSentAsItIs() {
        assertThrows(IllegalArgumentException.class, () -> qm.set(100, ConfigUpdate.set("cipassword", "")));
        for (String value : List.of("0", "--", "-x", "--delete", "-", "--cipassword")) {
            QmCommand c = qm.set(100, ConfigUpdate.set("cipassword", value));
            assertEquals(List.of("qm", "set", "100", "--cipassword"), c.argv(), value);
            assertEquals(value + "\n" + value + "\n", new String(c.stdin(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void poolsAndGuestInputFollowTheApi() {
        // pve-access-control verify_poolname
        assertThrows(IllegalArgumentException.class,
                () -> qm.create(new CreateRequest("pve1", 100, Map.of(), "prod pool", false)));
        assertThrows(IllegalArgumentException.class,
                () -> qm.clone(9000, CloneRequest.linked(101, null).inPool("a/b/c/d")));
        assertEquals("team/prod", qm.create(new CreateRequest("pve1", 100, Map.of(), "team/prod", false)).argv().get(4));
        // POST .../agent/exec: input-data maxLength 65536
        assertEquals(65536, qm.agentExec(100, List.of("cat"), "x".repeat(65536)).stdin().length);
        assertThrows(IllegalArgumentException.class, () -> qm.agentExec(100, List.of("cat"), "x".repeat(65537)));
    }

    @Test
    void lineBreaksAreRefusedExceptInDescriptions() {
        assertThrows(IllegalArgumentException.class, () -> qm.set(100, ConfigUpdate.set("ciuser", "a\nb")));
        assertThrows(IllegalArgumentException.class, () -> qm.set(100, ConfigUpdate.set("nameserver", "1.1.1.1\r")));
        assertEquals("a\nb", qm.set(100, ConfigUpdate.set("description", "a\nb")).argv().get(4));
        assertThrows(IllegalArgumentException.class,
                () -> qm.set(100, ConfigUpdate.set("description", "x".repeat(8193))));
    }

    @Test
    void namesAndTagsFollowTheirFormats() {
        assertEquals("web-01.example", qm.set(100, ConfigUpdate.set("name", "web-01.example")).argv().get(4));
        for (String bad : List.of("a b", "-web", "web-", "x;y", "", "a\nb", "a_b")) {
            assertThrows(IllegalArgumentException.class, () -> qm.set(100, ConfigUpdate.set("name", bad)), bad);
        }
        assertEquals("prod;db+1;x.y", qm.set(100, ConfigUpdate.set("tags", "prod;db+1;x.y")).argv().get(4));
        for (String bad : List.of("a$b", "-x", "a'b", "(x)")) {
            assertThrows(IllegalArgumentException.class, () -> qm.set(100, ConfigUpdate.set("tags", bad)), bad);
        }
    }

    @Test
    void nulIsRefusedEverywhere() {
        assertThrows(IllegalArgumentException.class, () -> qm.set(100, ConfigUpdate.set("description", "a\0")));
        assertThrows(IllegalArgumentException.class, () -> qm.agentExec(100, List.of("ls", "a\0"), null));
        assertThrows(IllegalArgumentException.class, () -> qm.snapshot(100, "s1", "d\0", false));
    }

    @Test
    void powerCommands() {
        assertEquals(List.of("qm", "start", "100"), qm.start(100).argv());
        assertEquals(List.of("qm", "stop", "100"), qm.stop(100).argv());
        assertEquals(List.of("qm", "reboot", "100"), qm.reboot(100).argv());
        assertEquals(List.of("qm", "shutdown", "100", "--timeout", "90", "--forceStop", "1"),
                qm.shutdown(100, ShutdownOptions.within(Duration.ofMillis(89_001)).orForceStop()).argv());
        assertEquals(Duration.ofSeconds(150),
                qm.shutdown(100, ShutdownOptions.within(Duration.ofSeconds(90))).minimumTimeoutIfAny().orElseThrow());
        assertTrue(qm.start(100).minimumTimeoutIfAny().isEmpty());
    }

    @Test
    void lifecycleCommands() {
        assertEquals(List.of("qm", "clone", "9000", "101", "--name", "web01", "--target", "pve2", "--full", "1",
                        "--storage", "local-lvm", "--snapname", "base", "--pool", "prod"),
                qm.clone(9000, CloneRequest.full(101, "web01").onNode("pve2").toStorage("local-lvm")
                        .fromSnapshot("base").inPool("prod")).argv());
        assertEquals(List.of("qm", "clone", "9000", "101", "--full", "0"),
                qm.clone(9000, CloneRequest.linked(101, null)).argv());
        assertEquals(List.of("qm", "template", "100"), qm.template(100).argv());
        assertEquals(List.of("qm", "destroy", "100", "--purge", "1", "--destroy-unreferenced-disks", "1"),
                qm.destroy(100, DestroyOptions.everything()).argv());
        assertEquals(List.of("qm", "destroy", "100", "--destroy-unreferenced-disks", "0"),
                qm.destroy(100, DestroyOptions.plain()).argv());
        assertEquals(List.of("qm", "disk", "resize", "100", "scsi0", "64G"),
                qm.resize(100, "scsi0", DiskSize.ofGiB(64)).argv());
    }

    @Test
    void snapshotCommands() {
        assertEquals(List.of("qm", "snapshot", "100", "before-upgrade", "--description", "it's $(fine)", "--vmstate", "1"),
                qm.snapshot(100, "before-upgrade", "it's $(fine)", true).argv());
        assertEquals(List.of("qm", "rollback", "100", "s1"), qm.rollback(100, "s1").argv());
        assertEquals(List.of("qm", "delsnapshot", "100", "s1"), qm.deleteSnapshot(100, "s1").argv());
        assertThrows(IllegalArgumentException.class, () -> qm.snapshot(100, "-s1", null, false));
        assertThrows(IllegalArgumentException.class, () -> qm.rollback(100, "a".repeat(41)));
    }

    @Test
    void guestCommands() {
        assertEquals(List.of("qm", "guest", "cmd", "100", "ping"), qm.agentCommand(100, "ping").argv());
        QmCommand exec = qm.agentExec(100, List.of("sh", "-c", "echo hi; exit 3"), "input\n");
        assertEquals(List.of("qm", "guest", "exec", "100", "--synchronous", "0", "--pass-stdin", "1",
                "--", "sh", "-c", "echo hi; exit 3"), exec.argv());
        assertArrayEquals("input\n".getBytes(StandardCharsets.UTF_8), exec.stdin());
        assertEquals(List.of("qm", "guest", "exec", "100", "--synchronous", "0", "--", "--help"),
                qm.agentExec(100, List.of("--help"), null).argv());
        assertThrows(IllegalArgumentException.class, () -> qm.agentExec(100, List.of(), null));
        assertEquals(List.of("qm", "guest", "exec-status", "100", "77"), qm.agentExecStatus(100, 77).argv());
    }

    @Test
    void aGuestCommandsStdinIsScrubbedFromWhatQmEchoes() {
        QmCommand chpasswd = qm.agentExec(100, List.of("chpasswd"), "admin:Guest-Secret-1");
        assertEquals("Agent error: input '" + QmCommand.REDACTED + "' refused",
                chpasswd.redact("Agent error: input 'admin:Guest-Secret-1' refused"));
        assertFalse(chpasswd.toString().contains("Guest-Secret-1"));
        assertEquals("x", qm.agentExec(100, List.of("cat"), null).redact("x"), "no stdin, nothing to scrub");
    }

    @Test
    void readsGoThroughPveshJson() {
        assertEquals(List.of("pvesh", "get", "/cluster/resources", "--type", "vm", "--output-format", "json"),
                qm.clusterResources("vm").argv());
        assertEquals(List.of("pvesh", "get", "/nodes/pve2/qemu/100/config", "--output-format", "json"),
                qm.config("pve2", 100).argv());
        Upid upid = Upid.parse("UPID:pve1:000FF1FD:10F9374C:630D702C:qmstart:100:root@pam:");
        assertEquals(List.of("pvesh", "get", "/nodes/pve1/tasks/" + upid + "/status", "--output-format", "json"),
                qm.taskStatus(upid).argv());
        assertThrows(IllegalArgumentException.class, () -> qm.storages("../../etc"));
    }

    @Test
    void configOrderIsStable() {
        Map<String, String> config = new TreeMap<>(Map.of("bb", "2", "aa", "1"));
        assertEquals(List.of("qm", "set", "100", "--aa", "1", "--bb", "2"), qm.set(100, ConfigUpdate.set(config)).argv());
    }
}
