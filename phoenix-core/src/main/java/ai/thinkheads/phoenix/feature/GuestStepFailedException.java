package ai.thinkheads.phoenix.feature;

import ai.thinkheads.phoenix.PhoenixException;
import java.util.List;

/** A command run in the guest through the agent exited non-zero (or did not end in time). */
public class GuestStepFailedException extends PhoenixException {

    private final int vmid;
    private final List<String> command;
    private final Integer exitCode;

    public GuestStepFailedException(String message, int vmid, List<String> command, Integer exitCode) {
        super(message);
        this.vmid = vmid;
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
    }

    public int vmid() {
        return vmid;
    }

    public List<String> command() {
        return command;
    }

    /** The exit code; null when the command did not end within its timeout. */
    public Integer exitCode() {
        return exitCode;
    }
}
