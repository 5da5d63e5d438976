/**
 * The seam: {@link ai.thinkheads.phoenix.hypervisor.Hypervisor}, the values its primitives take and
 * return, {@link ai.thinkheads.phoenix.hypervisor.Task} handles, and the exceptions every backend
 * throws. Start with {@code Hypervisor}'s class comment.
 */
package ai.thinkheads.phoenix.hypervisor;
