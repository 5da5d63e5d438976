package ai.thinkheads.phoenix.testkit.simulator.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.testkit.simulator.ApiRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@link QmCommandLines} gives the request the interpreter really sends when it runs the same line:
 * each line is run against {@link FakePve} and its first API call compared with the translation.
 */
class QmCommandLinesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "qm create 100 --memory 2048 --name web01 --net0 virtio,bridge=vmbr0 --tags a --tags b|",
        "qm set 100 --cores 4 --delete ide2 --delete net1 --digest 0123abcd --onboot|",
        "qm set 100 --description '--delete all' --ciuser admin|",
        "qm config 100 --current|",
        "qm start 100 --timeout 30|",
        "qm shutdown 100 --forceStop 1 --timeout 60|",
        "qm destroy 100 --purge --destroy-unreferenced-disks 0|",
        "qm clone 100 123 --full 0 --name web02 --storage local-lvm|",
        "qm template 100|",
        "qm disk resize 100 scsi0 +1G|",
        "qm resize 100 scsi0 64G|",
        "qm snapshot 100 pre --vmstate 1 --description 'before the upgrade'|",
        "qm delsnapshot 100 pre --force|",
        "qm rollback 100 pre --start 1|",
        "qm listsnapshot 100|",
        "qm guest cmd 100 ping|",
        "qm agent 100 network-get-interfaces|",
        "qm guest exec 100 --synchronous 0 -- sh -c 'echo hi; exit 3'|",
        "qm guest exec 100 --synchronous 0 --pass-stdin 1 -- cat|input data",
        "qm guest exec-status 100 77|",
        "qm pending 100|",
        "qm cloudinit dump 100 user|",
        "qm list --full|",
        "pvesh get /cluster/nextid --output-format json|",
        "pvesh get nodes/pve1/qemu/100/config/ --output-format json|",
        "pvesh set /nodes/pve1/qemu/100/config --cores 2 --output-format json|",
    })
    void theTranslationIsTheFirstRequestTheInterpreterSends(String line, String stdin) {
        FakePve pve = new FakePve("pve1");
        pve.addVm(100, Map.of("memory", "512"));
        pve.calls.clear();
        CliInterpreter cli = CliInterpreter.builder(pve.router, "pve1").time(pve.clock)
                .pollInterval(Duration.ofMillis(500)).build();
        byte[] in = stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8);
        CliResult result = cli.run(line, in);
        assertFalse(pve.calls.isEmpty(), "the interpreter called the API: " + result);
        ApiRequest sent = pve.calls.get(0);
        ApiRequest translated = QmCommandLines.toRequest(ShellWords.parse(line).argv(), "pve1", in);
        assertEquals(sent.method(), translated.method());
        assertEquals(sent.path(), translated.path());
        assertEquals(sent.params(), translated.params());
        assertEquals("root@pam", translated.userId());
    }

    @Test
    void sshkeysFromStdinAreUrlEncodedAsQmPmParamMappingDoes() {
        byte[] keys = "ssh-ed25519 AAAA me@host\nssh-rsa BBBB+/= you@host".getBytes(StandardCharsets.UTF_8);
        ApiRequest r = QmCommandLines.toRequest(List.of("qm", "set", "100", "--sshkeys", "/dev/stdin", "--ciuser", "x"),
                "pve1", keys);
        assertEquals("PUT", r.method());
        assertEquals("/nodes/pve1/qemu/100/config", r.path());
        assertEquals(Map.of("sshkeys", List.of("ssh-ed25519%20AAAA%20me%40host%0Assh-rsa%20BBBB%2B%2F%3D%20you%40host"),
                "ciuser", List.of("x")), r.params());
        assertThrows(IllegalArgumentException.class, () -> QmCommandLines.toRequest(
                List.of("qm", "create", "100", "--sshkeys", "/root/keys"), "pve1", new byte[0]));
    }

    @Test
    void cipasswordTakesOnlyAValueThatDoesNotLookLikeAnOption() {
        // qm.pm maps cipassword through the interactive pve-password mapping: Getopt "cipassword:s"
        ApiRequest r = QmCommandLines.toRequest(List.of("qm", "set", "100", "--cipassword", "$6$salt$hash"), "pve1", new byte[0]);
        assertEquals(Map.of("cipassword", List.of("$6$salt$hash")), r.params());
        IllegalArgumentException dash = assertThrows(IllegalArgumentException.class, () -> QmCommandLines.toRequest(
                List.of("qm", "set", "100", "--cipassword", "-secret"), "pve1", new byte[0]));
        assertTrue(dash.getMessage().contains("secret"), dash.getMessage());
        IllegalArgumentException prompt = assertThrows(IllegalArgumentException.class, () -> QmCommandLines.toRequest(
                List.of("qm", "create", "100", "--cipassword", "--memory", "512"), "pve1", new byte[0]));
        assertTrue(prompt.getMessage().contains("EOF while reading password"), prompt.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QmCommandLines.toRequest(
                List.of("qm", "set", "100", "--cipassword", "0"), "pve1", new byte[0]));
    }

    @Test
    void cipasswordWithoutAValueIsReadFromStdinTwiceAsQmReadsIt() {
        // pve-common PVE::PTY::get_confirmed_password: read_password twice; STDIN no terminal: one line each
        byte[] twice = "-0 s3cr3t\n-0 s3cr3t\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ApiRequest r = QmCommandLines.toRequest(List.of("qm", "set", "100", "--memory", "512", "--cipassword"), "pve1", twice);
        assertEquals(Map.of("memory", List.of("512"), "cipassword", List.of("-0 s3cr3t")), r.params());
        ApiRequest zero = QmCommandLines.toRequest(List.of("qm", "create", "100", "--cipassword", "0"), "pve1",
                "0\n0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("0"), zero.params().get("cipassword"));
        IllegalArgumentException differ = assertThrows(IllegalArgumentException.class, () -> QmCommandLines.toRequest(
                List.of("qm", "set", "100", "--cipassword"), "pve1", "a\nb\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("passwords do not match", differ.getMessage());
        // qm reads the password through Perl's buffered STDIN before --sshkeys /dev/stdin: undefined, refused
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> QmCommandLines.toRequest(
                List.of("qm", "set", "100", "--sshkeys", "/dev/stdin", "--cipassword"), "pve1",
                "a\na\nssh-ed25519 AAAA\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(both.getMessage().contains("buffered STDIN"), both.getMessage());
    }

    @Test
    void sudoIsSkippedAndOtherProgramsAreNotQmCommandLines() {
        ApiRequest r = QmCommandLines.toRequest(List.of("sudo", "-n", "--", "qm", "list"), "pve1", new byte[0]);
        assertEquals("GET", r.method());
        assertEquals("/nodes/pve1/qemu", r.path());
        assertTrue(QmCommandLines.isQmOrPvesh(List.of("sudo", "-n", "--", "pvesh", "get", "/version")));
        assertFalse(QmCommandLines.isQmOrPvesh(List.of("hostname")));
        assertThrows(IllegalArgumentException.class, () -> QmCommandLines.toRequest(List.of("hostname"), "pve1", new byte[0]));
    }

    @Test
    void whatQmItselfRefusesIsRefusedWithItsReason() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> QmCommandLines.toRequest(List.of("qm", "start", "100", "--bogus", "1"), "pve1", new byte[0]));
        assertTrue(unknown.getMessage().contains("Unknown option: bogus"), unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> QmCommandLines.toRequest(List.of("qm", "rollback", "100"), "pve1", new byte[0]));
        assertTrue(missing.getMessage().contains("not enough arguments"), missing.getMessage());
        IllegalArgumentException command = assertThrows(IllegalArgumentException.class,
                () -> QmCommandLines.toRequest(List.of("qm", "migrate", "100", "pve2"), "pve1", new byte[0]));
        assertEquals("unknown command 'qm migrate'", command.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> QmCommandLines.toRequest(List.of("pvesh", "get", "/version", "--output-format", "xml"), "pve1", new byte[0]));
    }
}
