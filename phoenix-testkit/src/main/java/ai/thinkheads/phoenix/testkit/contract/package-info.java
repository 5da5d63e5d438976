/**
 * The contract every {@code Hypervisor} backend must pass. Start with
 * {@link ai.thinkheads.phoenix.testkit.contract.HypervisorContract}: extend it in your backend's
 * tests and return a {@link ai.thinkheads.phoenix.testkit.contract.ContractFixture} from
 * {@code fixture()}; declare optional behaviour with
 * {@link ai.thinkheads.phoenix.testkit.contract.Capability}.
 */
package ai.thinkheads.phoenix.testkit.contract;
