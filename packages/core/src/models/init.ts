import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, type Rng } from '../data/random.js';

/** Initialisers of one layer: kernel and bias. */
export interface LayerInit {
  kernelInitializer: ReturnType<typeof tfl.initializers.varianceScaling>;
  biasInitializer: ReturnType<typeof tfl.initializers.randomUniform>;
}

/**
 * Draws seeded initialisers matching PyTorch's defaults for conv and linear layers:
 * weights and biases uniform in ±1/√fanIn. The reference recipe (SGD 0.01, momentum
 * 0.5) was tuned for that scale, so the same recipe reaches the same accuracy here.
 */
export class SeededInit {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  /** Initialisers for a layer with `fanIn` inputs per output (kh·kw·inC, or in features). */
  layer(fanIn: number): LayerInit {
    const bound = 1 / Math.sqrt(fanIn);
    return {
      // scale 1/3 in fan-in uniform mode gives limit √(3·scale/fanIn) = 1/√fanIn.
      kernelInitializer: tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: this.nextSeed() }),
      biasInitializer: tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.nextSeed() }),
    };
  }

  private nextSeed(): number {
    return this.rng.int(2 ** 31);
  }
}
