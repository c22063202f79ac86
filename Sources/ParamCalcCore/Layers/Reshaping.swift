let reshapingLayers: [LayerDescriptor] = []
