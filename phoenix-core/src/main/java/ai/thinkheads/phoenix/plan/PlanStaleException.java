package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.PhoenixException;

/**
 * Someone changed a VM between plan and apply, and on a second look the change the VM needs is no
 * longer one apply may make on its own (it became destructive, or a disk would shrink). Plan again.
 */
public class PlanStaleException extends PhoenixException {
    private static final long serialVersionUID = 1L;

    public PlanStaleException(String message) {
        super(message);
    }
}
