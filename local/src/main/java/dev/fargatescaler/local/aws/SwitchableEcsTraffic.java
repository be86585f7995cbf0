package dev.fargatescaler.local.aws;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * ECS traffic shown to whatever is set last ({@link #NONE} until then): the proxy has to start before the
 * deployment that the Fargate simulation needs, since the deployment's own calls go through the proxy.
 */
public final class SwitchableEcsTraffic implements EcsTraffic {

    private volatile EcsTraffic delegate = NONE;

    public void set(EcsTraffic traffic) {
        delegate = traffic;
    }

    @Override
    public byte[] ranTasks(byte[] response) {
        return delegate.ranTasks(response);
    }

    @Override
    public void stopping(JsonNode request) {
        delegate.stopping(request);
    }

    @Override
    public byte[] described(byte[] response) {
        return delegate.described(response);
    }
}
