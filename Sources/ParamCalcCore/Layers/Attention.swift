let attentionLayers: [LayerDescriptor] = []
