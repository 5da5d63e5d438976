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
 */
package ai.thinkheads.phoenix.backend.qm;
