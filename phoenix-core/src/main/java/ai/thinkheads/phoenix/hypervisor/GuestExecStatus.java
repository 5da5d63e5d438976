package ai.thinkheads.phoenix.hypervisor;

/**
 * State of a command started in the guest ({@code agent/exec-status}).
 *
 * @param exited whether it has ended
 * @param exitCode its exit code once ended (null while running, or when killed by a signal)
 * @param stdout what it wrote to standard output so far (decoded as UTF-8)
 * @param stderr what it wrote to standard error so far
 */
public record GuestExecStatus(boolean exited, Integer exitCode, String stdout, String stderr) {

    public GuestExecStatus {
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }

    public static GuestExecStatus running() {
        return new GuestExecStatus(false, null, "", "");
    }
}
