package dev.fargatescaler.local.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Calls a handler the way the Lambda Java runtime does: a {@link RequestStreamHandler} gets the event's raw
 * bytes; a {@link RequestHandler} gets the event turned into its input type by the runtime's own serializer
 * ({@code aws-lambda-java-serialization}: the event classes' special mapping for {@code aws-lambda-java-events}
 * types, its Jackson configuration for any other POJO), and its result is written back the same way.
 * https://docs.aws.amazon.com/lambda/latest/dg/java-handler.html
 */
public final class HandlerAdapter {

    /** One call of the handler. */
    @FunctionalInterface
    interface Call {
        byte[] invoke(byte[] event, Context context) throws Exception;
    }

    private final String handlerClass;
    private final Call call;

    private HandlerAdapter(String handlerClass, Call call) {
        this.handlerClass = handlerClass;
        this.call = call;
    }

    public String handlerClass() {
        return handlerClass;
    }

    /**
     * The init phase: loads the class named by a template's {@code Handler} ({@code pkg.Class::method} or
     * {@code pkg.Class}) and creates the one instance, as Lambda does once per execution environment.
     */
    public static HandlerAdapter load(String handler, ClassLoader loader) throws ReflectiveOperationException {
        String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
        Class<?> type = Class.forName(className, true, loader);
        Object instance = type.getDeclaredConstructor().newInstance();
        if (instance instanceof RequestStreamHandler stream) {
            return new HandlerAdapter(className, (event, context) -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                stream.handleRequest(new ByteArrayInputStream(event), out, context);
                return out.toByteArray();
            });
        }
        if (instance instanceof RequestHandler<?, ?> pojo) {
            return new HandlerAdapter(className, pojoCall(type, pojo, loader));
        }
        throw new ClassNotFoundException(className + " implements neither RequestStreamHandler nor RequestHandler");
    }

    public byte[] invoke(byte[] event, Context context) throws Exception {
        return call.invoke(event, context);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Call pojoCall(Class<?> type, RequestHandler<?, ?> handler, ClassLoader loader) {
        Type[] io = requestHandlerTypes(type);
        PojoSerializer<Object> input = serializer(io[0], loader);
        PojoSerializer<Object> output = io[1] == Void.class ? null : serializer(io[1], loader);
        RequestHandler raw = handler;
        return (event, context) -> {
            Object in = input.fromJson(new ByteArrayInputStream(event));
            Object result = raw.handleRequest(in, context);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (result == null || output == null) {
                out.writeBytes("null".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                output.toJson(result, out);
            }
            return out.toByteArray();
        };
    }

    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Type type, ClassLoader loader) {
        if (type instanceof Class<?> cls && LambdaEventSerializers.isLambdaSupportedEvent(cls.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(cls, loader);
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    /** The {@code I} and {@code O} of {@code RequestHandler<I, O>}, searching superclasses; Object if erased. */
    static Type[] requestHandlerTypes(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type candidate : c.getGenericInterfaces()) {
                if (candidate instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                    return p.getActualTypeArguments();
                }
            }
        }
        return new Type[] {Object.class, Object.class};
    }
}
