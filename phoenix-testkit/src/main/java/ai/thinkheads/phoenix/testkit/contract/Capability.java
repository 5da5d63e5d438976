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
    /** A started VM with {@code agent: 1} runs a guest agent that answers ping, reports addresses and runs commands. */
    GUEST_AGENT,
    /** {@code <storage>:0,import-from=<volid>} disks, from {@link ContractFixture#importSource()}. */
    IMPORT_FROM
}
