package io.stowage.plugin.builtin;

import io.stowage.images.ImageStore;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginTypes;
import io.stowage.server.ImageRoutes;
import io.stowage.server.ServerOptions;
import java.util.List;

/** {@code service/images}: the image API ({@link ImageRoutes}, {@code /v1/images}) over the one {@code images} plugin. */
public final class ImagesServicePlugin implements Plugin {
    @Override
    public String type() {
        return PluginTypes.SERVICE;
    }

    @Override
    public String id() {
        return "images";
    }

    @Override
    public List<String> requires() {
        return List.of(PluginTypes.IMAGES);
    }

    @Override
    public Object init(InitContext context) {
        return ImageRoutes.of(context.instance(PluginTypes.IMAGES, ImageStore.class), ServerOptions.defaults());
    }
}
