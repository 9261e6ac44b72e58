package dev.abi.inference;

/** IEEE half-precision conversions, rounding to nearest even like ggml's F16C path. */
final class Float16 {

    private Float16() {}

    static float toFloat(short h) {
        return Float.float16ToFloat(h);
    }

    static short fromFloat(float f) {
        return Float.floatToFloat16(f);
    }

    /** {@code f} rounded through half precision. */
    static float round(float f) {
        return Float.float16ToFloat(Float.floatToFloat16(f));
    }
}
