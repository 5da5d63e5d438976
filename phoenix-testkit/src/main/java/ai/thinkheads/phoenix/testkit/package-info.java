/**
 * Test doubles for Phoenix. Start with {@link ai.thinkheads.phoenix.testkit.FakeHypervisor}: an
 * in-memory {@code Hypervisor} as strict as Proxmox, running its tasks on a
 * {@link ai.thinkheads.phoenix.testkit.FakeClock}, with fault hooks in
 * {@link ai.thinkheads.phoenix.testkit.FakeFaults}. The cluster model it adapts is in
 * {@code ai.thinkheads.phoenix.testkit.model}; the contract every {@code Hypervisor} must pass is in
 * {@code ai.thinkheads.phoenix.testkit.contract}.
 */
package ai.thinkheads.phoenix.testkit;
