/**
 * The qm-over-SSH backend: {@link ai.thinkheads.phoenix.backend.qm.QmHypervisor} implements the
 * {@link ai.thinkheads.phoenix.hypervisor.Hypervisor} seam by running {@code qm} and {@code pvesh}
 * on a Proxmox VE node through SSH. Start with its class comment.
 *
 * <p>Layers, each testable alone: {@link ai.thinkheads.phoenix.backend.qm.QmCommands} (request →
 * argv, validated by {@link ai.thinkheads.phoenix.backend.qm.QmValidation}),
 * {@link ai.thinkheads.phoenix.backend.qm.QmOutput} (stdout → values),
 * {@link ai.thinkheads.phoenix.backend.qm.QmErrors} (stderr → exceptions), and the
 * {@link ai.thinkheads.phoenix.backend.qm.CommandRunner} seam with its SSH implementation
 * {@link ai.thinkheads.phoenix.backend.qm.SshCommandRunner} (quoting in
 * {@link ai.thinkheads.phoenix.backend.qm.ShellQuoting}, host keys in
 * {@link ai.thinkheads.phoenix.backend.qm.HostKeyPolicy}).
 *
 * <h2>Two qm commands this backend does not use</h2>
 * Issue 4 lists {@code qm disk import} and {@code qm wait}; no {@code Hypervisor} primitive needs
 * either:
 * <ul>
 *   <li>{@code qm disk import} leaves the imported disk as {@code unused<N>} unless told a target,
 *       and a second {@code qm set} must attach it. {@code create} and {@code updateConfig} pass
 *       {@code --scsi0 STORAGE:0,import-from=<source>} instead, which qemu-server imports and
 *       attaches in one step (qm-reference.md recommends it).</li>
 *   <li>{@code qm wait} is for scripts that start a shutdown and return at once. {@code qm shutdown
 *       --timeout N} runs its worker in the foreground: it returns when the VM is down, and fails
 *       with {@code VM quit/powerdown failed - got timeout} otherwise (qemu-server
 *       {@code vm_stop}), hard-stopping first with {@code --forceStop 1}. So {@code shutdown}
 *       needs no wait after it. {@code stop} returns once the process is gone, and {@code destroy}
 *       refuses a running VM rather than waiting for it. A separate {@code qm wait} would add one
 *       more command and Perl start-up, and would tell nothing new.</li>
 * </ul>
 */
package ai.thinkheads.phoenix.backend.qm;
