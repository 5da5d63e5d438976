package ai.thinkheads.phoenix.hypervisor;

import java.util.List;
import java.util.Optional;

/**
 * A Proxmox task ended with an error exit status (anything other than {@code OK} or
 * {@code WARNINGS: n}; pve-common {@code PVE::UPID::status_is_error}). Carries the UPID, the exit
 * status and the tail of the task log, which usually names the cause.
 */
public class TaskFailedException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    private final Upid upid;
    private final String exitStatus;
    private final List<String> logTail;

    public TaskFailedException(String node, Integer vmid, Upid upid, String exitStatus, List<String> logTail) {
        super(render(upid, exitStatus, logTail), node, vmid);
        this.upid = upid;
        this.exitStatus = exitStatus;
        this.logTail = List.copyOf(logTail);
    }

    /** The task's UPID; empty where the backend ran it synchronously and never saw one. */
    public Optional<Upid> upid() {
        return Optional.ofNullable(upid);
    }

    /** The task's exit status, e.g. {@code can't lock file ... - got timeout}. */
    public String exitStatus() {
        return exitStatus;
    }

    /** The last lines of the task log (at most a few dozen). */
    public List<String> logTail() {
        return logTail;
    }

    private static String render(Upid upid, String exitStatus, List<String> logTail) {
        StringBuilder sb = new StringBuilder("task failed: ").append(exitStatus);
        if (upid != null) {
            sb.append(" (").append(upid).append(')');
        }
        if (!logTail.isEmpty()) {
            sb.append(System.lineSeparator()).append("task log tail:");
            for (String line : logTail) {
                sb.append(System.lineSeparator()).append("  ").append(line);
            }
        }
        return sb.toString();
    }
}
