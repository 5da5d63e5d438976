/**
 * Declarative plan and apply, written once above the {@link ai.thinkheads.phoenix.hypervisor.Hypervisor}
 * seam. Start with {@link ai.thinkheads.phoenix.plan.Phoenix}: {@code Phoenix.on(hypervisor).plan(definitions)}
 * gives a {@link ai.thinkheads.phoenix.plan.Plan} (render it as text or JSON), and {@code apply(plan)}
 * gives an {@link ai.thinkheads.phoenix.plan.ApplyResult}.
 *
 * <ul>
 *   <li>{@link ai.thinkheads.phoenix.plan.Planner}: reads the cluster, matches definitions to VMs
 *       (ownership tag, adoption by VMID), orders them, compares configs the way Proxmox normalises
 *       them, classifies each change ({@link ai.thinkheads.phoenix.plan.Impact}), places new VMs and
 *       refuses what it must ({@link ai.thinkheads.phoenix.plan.Refusal}).</li>
 *   <li>{@link ai.thinkheads.phoenix.plan.Applier}: runs a plan with bounded parallelism, retries
 *       on locks and transport failures, safe VMID allocation, digest-guarded updates, task deadlines
 *       and progress events ({@link ai.thinkheads.phoenix.plan.ApplyListener}).</li>
 * </ul>
 */
package ai.thinkheads.phoenix.plan;
