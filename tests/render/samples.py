"""A line of each script the printed and wallet images must draw, as a café would write it."""

SAMPLES = {
    "zh_Hans": "扫码领取您的集点卡",
    "zh_Hant": "掃碼領取您的集點卡",
    "ja": "スキャンしてスタンプカードを受け取る",
    "ko": "스캔하여 스탬프 카드를 받으세요",
    "ar": "امسح الرمز لتحصل على بطاقة الطوابع",
    "he": "סרקו וקבלו כרטיס חותמות",
    "hi": "अपना स्टैम्प कार्ड पाने के लिए स्कैन करें",
    "bn": "স্ট্যাম্প কার্ড পেতে স্ক্যান করুন",
    "ta": "முத்திரை அட்டையைப் பெற ஸ்கேன் செய்யவும்",
    "th": "สแกนเพื่อรับบัตรสะสมแต้ม",
    "ka": "დაასკანერეთ და მიიღეთ შტამპების ბარათი",
    "hy": "Սկանավորեք՝ կնիքների քարտ ստանալու համար",
    "ru": "Отсканируйте и получите карту лояльности",
    "el": "Σαρώστε για να πάρετε την κάρτα σας",
}

# The Noto face each sample must be drawn in.
SCRIPTS = {
    "zh_Hans": "zh_Hans",
    "zh_Hant": "zh_Hant",
    "ja": "ja",
    "ko": "ko",
    "ar": "arabic",
    "he": "hebrew",
    "hi": "devanagari",
    "bn": "bengali",
    "ta": "tamil",
    "th": "thai",
    "ka": "georgian",
    "hy": "armenian",
    "ru": "latin",
    "el": "latin",
}
