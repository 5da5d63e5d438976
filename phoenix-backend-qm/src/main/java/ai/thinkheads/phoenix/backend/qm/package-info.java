/**
 * The qm-over-SSH backend: {@link ai.thinkheads.phoenix.backend.qm.QmHypervisor} implements the
 * {@link ai.thinkheads.phoenix.hypervisor.Hypervisor} seam by running {@code qm} and {@code pvesh}
 * on a Proxmox VE node through SSH. Start with its class comment.
 *
 * <p>The user's API is {@link ai.thinkheads.phoenix.backend.qm.QmHypervisor} with its builder,
 * {@link ai.thinkheads.phoenix.backend.qm.SshSettings} and
 * {@link ai.thinkheads.phoenix.backend.qm.HostKeyPolicy}, the
 * {@link ai.thinkheads.phoenix.backend.qm.CommandRunner} seam (to run commands another way), and
 * the exceptions. Everything else is package-private. Layers, each testable alone: {@code QmCommands}
 * (request → argv, validated by {@code QmValidation}, quoted by {@code ShellQuoting}), the shared
 * decoder {@link ai.thinkheads.phoenix.hypervisor.wire.ProxmoxReplies} (pvesh's JSON → values) and
 * {@code QmOutput} (qm's own text formats), {@code QmErrors} (stderr → exceptions), and
 * {@code SshCommandRunner}, the SSH implementation of the runner seam.
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
