package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every command line the qm backend sends to the PVE simulator's SSH face, while it sets cloud-init
 * passwords of every awkward shape (with and without {@code sshkeys}, at create and at update), is
 * scanned for the passwords; the simulator's qm reads them from stdin as the real CLI does, and the
 * cluster ends up with each one. The contract's command lines are scanned by
 * {@link QmBackendContractTest}.
 */
class NoSecretOnAnyCommandLineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void noCipasswordOnAnyCommandLineTheQmBackendSends() {
        List<String> passwords = List.of("$6$rounds=4096$saltsalt$HashOfTheCloudInitPassword",
                "plain secret with spaces & 'quotes' \"too\"", "-starts-with-a-dash", "--delete all", "0", "-",
                "ünïcödé/pässwörd\\back");
        List<String> lines = new ArrayList<>();
        try (SimulatedCluster cluster = SimulatedCluster.start()) {
            PveSimulator sim = cluster.simulator();
            SshCommandRunner ssh = SshCommandRunner.builder().host("127.0.0.1").port(sim.sshPort())
                    .user("root").password(sim.rootPassword()).hostKeyFingerprint(sim.sshHostKeyFingerprint()).build();
            try (QmHypervisor pve = QmHypervisor.builder().runner(new CommandLineScan(ssh, lines)).node(sim.sshNode()).build()) {
                int vmid = 100;
                for (String password : passwords) {
                    VmRef vm = VmRef.of(pve.node(), vmid);
                    // at create, with sshkeys on stdin too: the password follows in a qm set of its own
                    pve.create(CreateRequest.of(pve.node(), vmid, Map.of("memory", "512", "ciuser", "admin",
                            "cipassword", password, "sshkeys", "ssh-ed25519%20AAAAC3Nz%20me%40host"))).await(WAIT);
                    assertEquals(password, cipassword(cluster, vm), "set at create: " + vmid);
                    // at update, alone: on stdin of the same qm set
                    String changed = password + "2";
                    pve.updateConfig(vm, ConfigUpdate.set(Map.of("cipassword", changed, "description", "d"))).await(WAIT);
                    assertEquals(changed, cipassword(cluster, vm), "set alone: " + vmid);
                    // at update, with sshkeys
                    pve.updateConfig(vm, ConfigUpdate.set(Map.of("cipassword", password,
                            "sshkeys", "ssh-ed25519%20BBBB%20you%40host"))).await(WAIT);
                    assertEquals(password, cipassword(cluster, vm), "set with sshkeys: " + vmid);
                    vmid++;
                }
            }
        }
        List<String> secrets = new ArrayList<>();
        for (String p : passwords) {
            if (p.length() >= 6) { // "0" and "-" are in every command line; the structural rule covers them
                secrets.add(p);
                secrets.add(p + "2");
            }
        }
        int scanned = CommandLineScan.assertNoSecrets(lines, secrets);
        assertTrue(lines.stream().filter(l -> l.endsWith("'--cipassword'")).count() >= 3L * passwords.size(),
                "every password was sent: " + lines.size());
        System.out.printf("no secret on any command line: %d command lines scanned for %d cloud-init passwords%n",
                scanned, passwords.size() * 2);
    }

    /** The cipassword as the cluster holds it (the fake keeps what the API was given). */
    private static String cipassword(SimulatedCluster cluster, VmRef vm) {
        return cluster.fake().getConfig(vm).values().get("cipassword");
    }
}
