package ai.thinkheads.phoenix.backend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.definition.UbuntuCloud;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.plan.ApplyEvent;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanRefusedException;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 3, through {@link ProxmoxApi} over HTTPS to the simulator, where user-data travels
 * as a NoCloud ISO: a missing import image is refused by the plan with its volume name (it failed
 * at apply with {@code could not get size of ...}, after the ISO was uploaded, and the ISO stayed);
 * and when the image vanishes between plan and apply, the uploaded ISO is removed again.
 */
class MissingImageOverApiTest {

    private static List<String> isoFiles(SimulatedCluster cluster) {
        return cluster.fake().listVolumes(SimulatedCluster.NODE, "local", StorageContent.ISO).stream()
                .map(StorageVolume::volid).toList();
    }

    @Test
    void aMissingImportImageIsRefusedByThePlanWithItsVolumeName() {
        try (SimulatedCluster cluster = SimulatedCluster.start(); ProxmoxApi api = ApiTestSupport.overSimulator(cluster.simulator())) {
            Phoenix phoenix = Phoenix.on(api);
            Plan plan = phoenix.plan(List.of(UbuntuCloud.template("ubuntu-2404", 9000).build()));
            assertEquals(List.of(new Refusal("ubuntu-2404", Refusal.Reason.MISSING_DEPENDENCY, "volume '" + UbuntuCloud.DEFAULT_IMAGE
                    + "' (scsi0 import-from) does not exist on node pve; storage 'local' holds " + cluster.importImage())),
                    plan.refusals());
            assertThrows(PlanRefusedException.class, () -> phoenix.apply(plan));
            assertEquals(List.of(), isoFiles(cluster), "no NoCloud ISO was uploaded");
            assertEquals(List.of(), api.listVms());
        }
    }

    @Test
    void theIsoUploadedForATemplateWhoseCreateFailedIsRemoved() {
        try (SimulatedCluster cluster = SimulatedCluster.start(); ProxmoxApi api = ApiTestSupport.overSimulator(cluster.simulator())) {
            String image = cluster.fake().cluster().addVolume(SimulatedCluster.NODE, "local", "import/" + UbuntuCloud.IMAGE_FILE, 1L << 30);
            List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
            Phoenix phoenix = Phoenix.on(api).applyOptions(ApplyOptions.builder().listener(events::add).build());
            Plan plan = phoenix.plan(List.of(UbuntuCloud.template("ubuntu-2404", 9000).build()));
            assertFalse(plan.hasRefusals(), plan.render());
            // someone removes the image between plan and apply
            api.deleteVolume(SimulatedCluster.NODE, image).await(Duration.ofSeconds(30));

            ApplyResult r = phoenix.apply(plan);
            ApplyResult.Outcome o = r.outcome("ubuntu-2404").orElseThrow();
            assertEquals(ApplyResult.Status.FAILED, o.status(), r.render());
            assertTrue(o.failure().getMessage().contains("could not get size of " + UbuntuCloud.DEFAULT_IMAGE), o.failure().toString());
            assertEquals(List.of(), isoFiles(cluster), "the NoCloud ISO was removed through the API");
            assertEquals(List.of(), r.leftBehind());
            assertTrue(events.stream().anyMatch(e -> e.type() == ApplyEvent.Type.CLEANED_UP
                    && e.message().startsWith("removed local:iso/phoenix-ubuntu-2404-")), events.toString());
        }
    }
}
