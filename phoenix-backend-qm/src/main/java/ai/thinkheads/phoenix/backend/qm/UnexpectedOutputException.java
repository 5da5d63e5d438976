package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.UnexpectedReplyException;

/**
 * A command succeeded but printed something this backend cannot read (its own text formats:
 * {@code qm list}, {@code qm config}, {@code hostname}, a UPID): a version mismatch or a bug. JSON
 * replies that do not fit raise the {@link UnexpectedReplyException} this extends.
 */
public class UnexpectedOutputException extends UnexpectedReplyException {
    private static final long serialVersionUID = 1L;

    public UnexpectedOutputException(String command, String detail) {
        super("unexpected output from " + command + ": " + detail);
    }
}
