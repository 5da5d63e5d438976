package ai.thinkheads.phoenix.testkit.model;

/**
 * What cloud-init's datasource found at boot: where ({@code datasource}, e.g.
 * {@code NoCloud [seed=/dev/sr0]}), the three files (null when absent) and the instance-id read
 * from meta-data.
 */
record CloudInitSeed(String datasource, String userData, String metaData, String networkConfig, String instanceId) {
}
