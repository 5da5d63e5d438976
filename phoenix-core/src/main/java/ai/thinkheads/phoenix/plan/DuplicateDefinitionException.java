package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.PhoenixException;

/** Two definitions declare the same VM name or the same VMID; a plan needs each VM once. */
public class DuplicateDefinitionException extends PhoenixException {
    private static final long serialVersionUID = 1L;

    public DuplicateDefinitionException(String message) {
        super(message);
    }
}
