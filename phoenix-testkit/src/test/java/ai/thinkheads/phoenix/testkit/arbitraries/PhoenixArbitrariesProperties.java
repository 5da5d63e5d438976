package ai.thinkheads.phoenix.testkit.arbitraries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.ConfigKeys;
import ai.thinkheads.phoenix.config.ConfigView;
import ai.thinkheads.phoenix.config.TagList;
import ai.thinkheads.phoenix.spec.CreateConfig;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.ProxmoxConfigMapping;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** The spec arbitraries generate only valid specs, and their config is all in the key table. */
class PhoenixArbitrariesProperties {

    @Property(tries = 300)
    void everyGeneratedSpecBuildsWithoutProblemsAndEqualsItsRebuild(@ForAll("specs") VmSpec spec) {
        assertEquals(spec, spec.toBuilder().build());
        Statistics.label("source").collect(spec.source().getClass().getSimpleName());
        Statistics.label("cloud-init").collect(spec.cloudInit().isPresent());
        Statistics.label("disks").collect(Math.min(spec.disks().size(), 2));
        Statistics.label("source").coverage(c -> {
            c.check("ImportImage").percentage(p -> p > 10);
            c.check("CloneTemplate").percentage(p -> p > 10);
            c.check("EmptyDisks").percentage(p -> p > 10);
        });
        Statistics.label("cloud-init").coverage(c -> c.check(true).percentage(p -> p > 20));
        Statistics.label("disks").coverage(c -> c.check(2).percentage(p -> p > 10));
    }

    @Property(tries = 300)
    void everyMappedKeyIsInTheTableAndEveryValueReadsBack(@ForAll("specs") VmSpec spec) {
        CreateConfig create = ProxmoxConfigMapping.forCreate(spec);
        for (String key : create.config().keySet()) {
            assertTrue(ConfigKeys.isKnown(key), () -> key + " is not in ConfigKeys");
        }
        ConfigView view = ConfigView.of(create.config());
        for (Disk d : spec.disks()) {
            assertEquals(d.storage(), view.drives().get(d.key()).storage().orElseThrow());
        }
        for (Nic n : spec.nics()) {
            assertEquals(n.model(), view.nets().get(n.index()).model());
            assertEquals(n.macIfAny(), view.nets().get(n.index()).mac());
            assertEquals(java.util.Optional.ofNullable(n.vlan()), view.nets().get(n.index()).tag());
        }
        spec.cloudInit().ifPresent(ci -> {
            assertEquals(ci.ipConfigs(), view.ipConfigs());
            assertEquals(ci.sshKeys(), view.sshKeys().map(k -> k.keys()).orElse(java.util.List.of()));
            assertTrue(view.drives().get(ci.slot()).isCloudInit());
        });
        assertEquals(spec.bootOrder().isEmpty() && spec.disks().isEmpty(), view.boot().isEmpty());
        view.tags().ifPresent(t -> assertEquals(new TagList(spec.tags()).normalized(), t));
        assertEquals(spec.pool().orElse(null), create.pool());
        assertFalse(create.config().containsKey("pool"));
        assertFalse(create.config().containsKey("start"));
        spec.cloudInit().flatMap(c -> c.passwordHash()).ifPresent(h -> {
            assertFalse(spec.toString().contains(h));
            assertFalse(create.toString().contains(h));
        });
    }

    @Property(tries = 100)
    void theMappingIsDeterministic(@ForAll("specs") VmSpec spec) {
        Map<String, String> once = ProxmoxConfigMapping.forCreate(spec).config();
        assertEquals(once, ProxmoxConfigMapping.forCreate(spec.toBuilder().build()).config());
    }

    @Provide
    Arbitrary<VmSpec> specs() {
        return PhoenixArbitraries.vmSpecs();
    }
}
