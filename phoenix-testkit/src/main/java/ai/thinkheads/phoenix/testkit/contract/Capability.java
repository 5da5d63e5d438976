package ai.thinkheads.phoenix.testkit.contract;

/**
 * Optional behaviour a backend declares in its {@link ContractFixture}. For each capability the
 * {@link HypervisorContract} tests the behaviour when it is declared and, guava-testlib style,
 * checks that the backend refuses it with {@link UnsupportedOperationException} when it is not.
 */
public enum Capability {
    /** Snapshots: create, list, roll back, delete. */
    SNAPSHOTS,
    /** Linked clones from templates. */
    LINKED_CLONES,
    /**
     * A started VM with {@code agent: 1} whose boot disk is imported from
     * {@link ContractFixture#importSource()} runs a guest agent that answers ping, reports addresses
     * and runs commands: the fixture's image ships qemu-guest-agent (the stock Ubuntu cloud image
     * does not, so a fixture on it cannot declare this).
     */
    GUEST_AGENT,
    /** {@code <storage>:0,import-from=<volid>} disks, from {@link ContractFixture#importSource()}. */
    IMPORT_FROM
}
