package ai.thinkheads.phoenix.hypervisor;

/** The calling thread was interrupted while waiting; the interrupt flag is set again. */
public class OperationInterruptedException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    public OperationInterruptedException(String message, InterruptedException cause) {
        super(message, null, null, cause);
    }
}
