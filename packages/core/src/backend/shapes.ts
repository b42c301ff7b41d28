import type { backend_util } from '@tensorflow/tfjs-core';
import type { ConvShape, PoolShape } from '../kernels/index.js';

/** tfjs's conv geometry (NHWC) as the kernels' shape object. */
export function convShape(info: backend_util.Conv2DInfo): ConvShape {
  return {
    batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels,
    outH: info.outHeight, outW: info.outWidth, outC: info.outChannels,
    filterH: info.filterHeight, filterW: info.filterWidth,
    strideH: info.strideHeight, strideW: info.strideWidth,
    dilationH: info.dilationHeight, dilationW: info.dilationWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
}

/** tfjs's pooling geometry (NHWC, no dilation) as the kernels' shape object. */
export function poolShape(info: backend_util.Conv2DInfo): PoolShape {
  return {
    batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, channels: info.inChannels,
    outH: info.outHeight, outW: info.outWidth,
    filterH: info.filterHeight, filterW: info.filterWidth,
    strideH: info.strideHeight, strideW: info.strideWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
}

/** Whether tfjs's geometry is one the native kernels take (NHWC, non-negative padding). */
export function nativeGeometry(info: backend_util.Conv2DInfo): boolean {
  return info.dataFormat === 'channelsLast' && info.padInfo.top >= 0 && info.padInfo.left >= 0;
}
