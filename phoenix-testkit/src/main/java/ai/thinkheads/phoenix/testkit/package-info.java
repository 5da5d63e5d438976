/**
 * Test doubles for Phoenix. Start with {@link ai.thinkheads.phoenix.testkit.FakeHypervisor}: an
 * in-memory {@code Hypervisor} as strict as Proxmox, running its tasks on a
 * {@link ai.thinkheads.phoenix.testkit.FakeClock}, with fault hooks in
 * {@link ai.thinkheads.phoenix.testkit.FakeFaults}. The cluster model it adapts is in
 * {@code ai.thinkheads.phoenix.testkit.model}; the contract every {@code Hypervisor} must pass is in
 * {@code ai.thinkheads.phoenix.testkit.contract}. The PVE simulator that serves the same model over
 * HTTPS and SSH, and the schema audit, are a separate artifact, {@code phoenix-simulator}, so that a
 * user of the fake alone does not pull in an SSH server or BouncyCastle.
 */
package ai.thinkheads.phoenix.testkit;
