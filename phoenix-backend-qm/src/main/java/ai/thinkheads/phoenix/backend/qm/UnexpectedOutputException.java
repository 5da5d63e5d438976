package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.HypervisorException;

/** A command succeeded but printed something this backend cannot read: a version mismatch or a bug. */
public class UnexpectedOutputException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    public UnexpectedOutputException(String command, String detail) {
        super("unexpected output from " + command + ": " + detail);
    }
}
