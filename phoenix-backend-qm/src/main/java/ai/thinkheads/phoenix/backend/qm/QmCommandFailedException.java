package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.HypervisorException;

/**
 * A {@code qm} or {@code pvesh} command failed in a way that none of the seam's specific
 * exceptions describes (see {@link QmErrors}). The message is the command's error output, with
 * secrets redacted; {@link #exitCode()} is its exit status.
 */
public class QmCommandFailedException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public QmCommandFailedException(String message, String node, Integer vmid, int exitCode) {
        super(message, node, vmid);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
