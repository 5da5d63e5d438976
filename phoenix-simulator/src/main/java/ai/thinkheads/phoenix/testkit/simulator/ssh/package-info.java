/**
 * The PVE simulator's SSH face: what a client sees when it runs {@code qm} and {@code pvesh} on a
 * node over SSH, served from the same {@link ai.thinkheads.phoenix.testkit.simulator.ApiRouter}
 * as the HTTPS face, so both faces show one cluster.
 *
 * <p>Where to start:
 * <ul>
 *   <li>{@link ai.thinkheads.phoenix.testkit.simulator.ssh.SshFace} — the loopback SSH server
 *       (Apache MINA SSHD): host key and fingerprint, users, exec channels;</li>
 *   <li>{@link ai.thinkheads.phoenix.testkit.simulator.ssh.CliInterpreter} — runs one command line
 *       against the router and renders output and exit status like qemu-server's {@code qm} and
 *       pve-manager's {@code pvesh}; usable without SSH;</li>
 *   <li>{@link ai.thinkheads.phoenix.testkit.simulator.ssh.QmCommandLines} — the API request a
 *       {@code qm}/{@code pvesh} command line stands for, without running it (the interpreter's own
 *       parser and mapping), so tests can schema-check command lines sent anywhere;</li>
 *   <li>{@link ai.thinkheads.phoenix.testkit.simulator.ssh.ShellWords} — the strict
 *       {@code /bin/sh -c} word splitter in front of it;</li>
 *   <li>{@link ai.thinkheads.phoenix.testkit.simulator.ssh.NodeFiles} — where {@code cat > <file>}
 *       and {@code tee <file>} writes go (the cluster model, by storage path).</li>
 * </ul>
 */
package ai.thinkheads.phoenix.testkit.simulator.ssh;
