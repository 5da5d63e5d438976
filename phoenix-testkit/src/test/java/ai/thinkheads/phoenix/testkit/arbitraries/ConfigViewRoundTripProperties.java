package ai.thinkheads.phoenix.testkit.arbitraries;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.thinkheads.phoenix.config.AgentConfig;
import ai.thinkheads.phoenix.config.BootOrder;
import ai.thinkheads.phoenix.config.DriveConfig;
import ai.thinkheads.phoenix.config.HostPciConfig;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.config.NameserverList;
import ai.thinkheads.phoenix.config.NetConfig;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.config.SshKeys;
import ai.thinkheads.phoenix.config.StartupOrder;
import ai.thinkheads.phoenix.config.TagList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * For every typed config view: {@code parse(format(x)) == x}, and printing is canonical: a text
 * with its comma-separated parts shuffled, empty parts added and booleans spelled differently
 * parses to a value that prints the same canonical text, and printing that again changes nothing.
 */
class ConfigViewRoundTripProperties {

    @Property
    void drives(@ForAll("drives") DriveConfig d, @ForAll long seed) {
        roundTrip(d, DriveConfig::format, DriveConfig::parse, seed);
    }

    @Property
    void nics(@ForAll("nicConfigs") NetConfig n, @ForAll long seed) {
        roundTrip(n, NetConfig::format, NetConfig::parse, seed);
    }

    @Property
    void ipConfigs(@ForAll("ipConfigs") IpConfig c, @ForAll long seed) {
        roundTrip(c, IpConfig::format, IpConfig::parse, seed);
    }

    @Property
    void hostPci(@ForAll("hostPci") HostPciConfig h, @ForAll long seed) {
        roundTrip(h, HostPciConfig::format, HostPciConfig::parse, seed);
    }

    @Property
    void agent(@ForAll("agents") AgentConfig a, @ForAll long seed) {
        roundTrip(a, AgentConfig::format, AgentConfig::parse, seed);
    }

    @Property
    void startup(@ForAll("startups") StartupOrder s, @ForAll long seed) {
        roundTrip(s, StartupOrder::format, StartupOrder::parse, seed);
    }

    @Property
    void propertyStrings(@ForAll("propertyStrings") PropertyString p, @ForAll long seed) {
        roundTrip(p, PropertyString::format, text -> PropertyString.parse(text, "file"), seed);
    }

    @Property
    void bootOrders(@ForAll("boots") BootOrder b) {
        assertEquals(b, BootOrder.parse(b.format()));
    }

    @Property
    void tags(@ForAll("tagLists") TagList t) {
        assertEquals(t, TagList.parse(t.format()));
        assertEquals(t, TagList.parse(" " + t.format().replace(";", " , ") + ";"));
    }

    @Property
    void sshKeys(@ForAll("keys") SshKeys k) {
        assertEquals(k, SshKeys.parse(k.format()));
        assertEquals(k.format(), SshKeys.parse(k.format() + "%0A%0A").format());
    }

    @Property
    void nameservers(@ForAll("dns") NameserverList n) {
        assertEquals(n, NameserverList.parse(n.format()));
        assertEquals(n, NameserverList.parse(n.format().replace(" ", ";")));
    }

    private static <T> void roundTrip(T value, Function<T, String> format, Function<String, T> parse, long seed) {
        String canonical = format.apply(value);
        assertEquals(value, parse.apply(canonical), canonical);
        String scrambled = scramble(canonical, seed);
        T reparsed = parse.apply(scrambled);
        assertEquals(value, reparsed, scrambled);
        assertEquals(canonical, format.apply(reparsed), scrambled);
        assertEquals(canonical, format.apply(parse.apply(format.apply(reparsed))));
    }

    /** The same content, written differently: parts shuffled, blank parts added, booleans spelled on/off. */
    private static String scramble(String text, long seed) {
        Random r = new Random(seed);
        List<String> parts = new ArrayList<>(Arrays.asList(text.split(",", -1)));
        parts.removeIf(String::isEmpty);
        Collections.shuffle(parts, r);
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (r.nextInt(4) == 0) {
                out.add("");
            }
            String q = p;
            if (r.nextBoolean() && q.matches("(ssd|iothread|backup|firewall|pcie|x-vga|rombar|fstrim_cloned_disks)=1")) {
                q = q.replace("=1", "=on");
            } else if (r.nextBoolean() && q.matches("(ssd|iothread|backup|firewall|pcie|x-vga|rombar|fstrim_cloned_disks)=0")) {
                q = q.replace("=0", "=no");
            }
            out.add(q);
        }
        return String.join(",", out);
    }

    @Provide
    Arbitrary<DriveConfig> drives() {
        return PhoenixArbitraries.diskConfigs();
    }

    @Provide
    Arbitrary<NetConfig> nicConfigs() {
        return PhoenixArbitraries.nicConfigs();
    }

    @Provide
    Arbitrary<IpConfig> ipConfigs() {
        return PhoenixArbitraries.ipConfigs();
    }

    @Provide
    Arbitrary<HostPciConfig> hostPci() {
        return PhoenixArbitraries.hostPciConfigs();
    }

    @Provide
    Arbitrary<AgentConfig> agents() {
        return PhoenixArbitraries.agentConfigs();
    }

    @Provide
    Arbitrary<StartupOrder> startups() {
        return PhoenixArbitraries.startupOrders();
    }

    @Provide
    Arbitrary<PropertyString> propertyStrings() {
        return PhoenixArbitraries.propertyStrings();
    }

    @Provide
    Arbitrary<BootOrder> boots() {
        return PhoenixArbitraries.bootOrders();
    }

    @Provide
    Arbitrary<TagList> tagLists() {
        return PhoenixArbitraries.tagLists();
    }

    @Provide
    Arbitrary<SshKeys> keys() {
        return PhoenixArbitraries.sshKeys();
    }

    @Provide
    Arbitrary<NameserverList> dns() {
        return PhoenixArbitraries.nameserverLists();
    }
}
