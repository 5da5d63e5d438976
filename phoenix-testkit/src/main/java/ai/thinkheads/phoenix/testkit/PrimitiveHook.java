package ai.thinkheads.phoenix.testkit;

import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.util.Optional;

/**
 * Runs before every primitive a {@link FakeHypervisor} executes, with the primitive's name (the
 * {@code Hypervisor} method name: {@code create}, {@code start}, {@code listVms}...) and the VM it
 * addresses, if any. Throwing from it makes the primitive fail with that exception before it touches
 * the cluster — e.g. a {@code TransportException} to simulate a dropped connection.
 */
@FunctionalInterface
public interface PrimitiveHook {

    void before(String primitive, Optional<VmRef> vm);
}
