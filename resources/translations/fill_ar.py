"""Arabic translations of every UI string; ``python resources/translations/fill_ar.py``
writes them into risala_ar.ts (after ``python -m ui.i18n_tools`` has extracted the sources)
and compiles risala_ar.qm. Strings reached through ``QCoreApplication.translate`` wrappers
(contexts below in EXTRA) are added here because lupdate cannot see through the wrapper."""

# ruff: noqa: E501 - a table of translations: a sentence stays on its line, as in the .ts

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent

AR = {
    "Welcome to Risala": "مرحبًا بك في رسالة",
    "Private messaging and calls. Create an account or sign in.": "مراسلة ومكالمات خاصة. أنشئ حسابًا أو سجّل الدخول.",
    "Sign up": "إنشاء حساب",
    "Sign in": "تسجيل الدخول",
    "e.g. amira_h": "مثال: amira_h",
    "Your name": "اسمك",
    "Relay:": "الخادم:",
    "Display name:": "الاسم المعروض:",
    "Local passcode:": "رمز المرور المحلي:",
    "Repeat passcode:": "أعد رمز المرور:",
    "Username:": "اسم المستخدم:",
    "Password:": "كلمة السر:",
    "The passcode encrypts your messages on this computer.": "يشفّر رمز المرور رسائلك على هذا الحاسوب.",
    "Create account": "إنشاء الحساب",
    "Enter the relay address.": "أدخل عنوان الخادم.",
    "Enter a username.": "أدخل اسم مستخدم.",
    "The password needs at least %1 characters.": "يجب أن تتكون كلمة السر من %1 أحرف على الأقل.",
    "The passcode needs at least %1 characters.": "يجب أن يتكون رمز المرور من %1 أحرف على الأقل.",
    "The passcodes don't match.": "رمزا المرور غير متطابقين.",
    "Please wait…": "يرجى الانتظار…",
    "Risala": "رسالة",
    "Search in chat": "البحث في المحادثة",
    "Audio call": "مكالمة صوتية",
    "Video call": "مكالمة فيديو",
    "Chat info": "معلومات المحادثة",
    "Group info": "معلومات المجموعة",
    "Contact info": "معلومات جهة الاتصال",
    "Add member…": "إضافة عضو…",
    "Remove": "إزالة",
    "Make admin": "تعيين مشرفًا",
    "Rename…": "إعادة التسمية…",
    "Leave group": "مغادرة المجموعة",
    "Members": "الأعضاء",
    "Close": "إغلاق",
    "owner": "المالك",
    "admin": "مشرف",
    "(you)": "(أنت)",
    "Remove admin": "إلغاء الإشراف",
    "Add member": "إضافة عضو",
    "Rename group": "إعادة تسمية المجموعة",
    "Name:": "الاسم:",
    "Leave this group?": "هل تريد مغادرة هذه المجموعة؟",
    "Jump to the newest message": "الانتقال إلى أحدث رسالة",
    "Reply": "رد",
    "Copy text": "نسخ النص",
    "Edit": "تعديل",
    "Retry sending": "إعادة محاولة الإرسال",
    "Delete…": "حذف…",
    "Cancel": "إلغاء",
    "Attach a photo or file": "إرفاق صورة أو ملف",
    "Photo…": "صورة…",
    "File…": "ملف…",
    "Write a message…": "اكتب رسالة…",
    "Send (Enter)": "إرسال (Enter)",
    "Message too long": "الرسالة طويلة جدًا",
    "Reply to %1": "الرد على %1",
    "Edit message": "تعديل الرسالة",
    "Waiting for network…": "في انتظار الشبكة…",
    "Connecting…": "جارٍ الاتصال…",
    "Signed out by the relay. Sign in again.": "سجّل الخادم خروجك. سجّل الدخول مجددًا.",
    "Updating…": "جارٍ التحديث…",
    "Menu": "القائمة",
    "New chat…": "محادثة جديدة…",
    "New group…": "مجموعة جديدة…",
    "Search messages…": "البحث في الرسائل…",
    "Settings…": "الإعدادات…",
    "Search chats": "البحث في المحادثات",
    "Select a chat to start messaging": "اختر محادثة لبدء المراسلة",
    "Group": "مجموعة",
    "Unpin": "إلغاء التثبيت",
    "Pin": "تثبيت",
    "Unmute": "إلغاء الكتم",
    "Mute": "كتم",
    "%1 is typing…": "%1 يكتب…",
    "Send a photo": "إرسال صورة",
    "Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp)": "الصور (*.png *.jpg *.jpeg *.gif *.webp *.bmp)",
    "Send a file": "إرسال ملف",
    "Delete message": "حذف الرسالة",
    "Delete this message for everyone?": "هل تريد حذف هذه الرسالة لدى الجميع؟",
    "Delete": "حذف",
    "New chat": "محادثة جديدة",
    "username": "اسم المستخدم",
    "Start chat": "بدء المحادثة",
    "New group": "مجموعة جديدة",
    "Group name": "اسم المجموعة",
    "usernames, separated by commas": "أسماء المستخدمين مفصولة بفواصل",
    "Members:": "الأعضاء:",
    "Create group": "إنشاء المجموعة",
    "Give the group a name.": "أعطِ المجموعة اسمًا.",
    "Show Risala": "إظهار رسالة",
    "Quit": "إنهاء",
    "New message": "رسالة جديدة",
    "Search in this chat": "البحث في هذه المحادثة",
    "Search messages": "البحث في الرسائل",
    "Search": "بحث",
    "No messages found": "لم يُعثر على رسائل",
    "Settings": "الإعدادات",
    "Profile": "الملف الشخصي",
    "Privacy and security": "الخصوصية والأمان",
    "Appearance": "المظهر",
    "Notifications": "الإشعارات",
    "Calls": "المكالمات",
    "Camera and microphone settings will appear here.": "ستظهر إعدادات الكاميرا والميكروفون هنا.",
    "Save": "حفظ",
    "Sign out": "تسجيل الخروج",
    "Saved.": "تم الحفظ.",
    "Sign out of this device?": "هل تريد تسجيل الخروج من هذا الجهاز؟",
    "Change the local passcode that unlocks this profile.": "غيّر رمز المرور المحلي الذي يفتح هذا الملف.",
    "Current passcode:": "رمز المرور الحالي:",
    "New passcode:": "رمز المرور الجديد:",
    "Repeat new passcode:": "أعد رمز المرور الجديد:",
    "Change passcode": "تغيير رمز المرور",
    "The passcode needs at least 4 characters.": "يجب أن يتكون رمز المرور من 4 أحرف على الأقل.",
    "The new passcodes don't match.": "رمزا المرور الجديدان غير متطابقين.",
    "Changing…": "جارٍ التغيير…",
    "Passcode changed.": "تم تغيير رمز المرور.",
    "Follow the system": "اتباع النظام",
    "Light": "فاتح",
    "Dark": "داكن",
    "System language": "لغة النظام",
    "Theme:": "السمة:",
    "Language:": "اللغة:",
    "Show notifications for new messages": "إظهار إشعارات الرسائل الجديدة",
    "Show message text in notifications": "إظهار نص الرسالة في الإشعارات",
    "Muted chats never notify. Mute a chat from its menu in the chat list.": "المحادثات المكتومة لا تُرسل إشعارات. اكتم محادثة من قائمتها في قائمة المحادثات.",
    "Unlock Risala": "فتح رسالة",
    "Enter your local passcode to open your chats.": "أدخل رمز المرور المحلي لفتح محادثاتك.",
    "Passcode": "رمز المرور",
    "Unlock": "فتح",
    "Unlocking…": "جارٍ الفتح…",
    "Remember on this device": "التذكّر على هذا الجهاز",
    "Keep the key in the system keychain: Risala opens without the passcode on this computer.": "احفظ المفتاح في سلسلة مفاتيح النظام: يُفتح رسالة دون رمز المرور على هذا الحاسوب.",
    # wrapper contexts
    "Today": "اليوم",
    "Yesterday": "أمس",
    "%1 B": "%1 بايت",
    "%1 KB": "%1 ك.ب",
    "%1 MB": "%1 م.ب",
    "Draft:": "مسودة:",
    "Missed video call": "مكالمة فيديو فائتة",
    "Missed call": "مكالمة فائتة",
    "Declined call": "مكالمة مرفوضة",
    "Busy": "مشغول",
    "Outgoing video call": "مكالمة فيديو صادرة",
    "Outgoing call": "مكالمة صادرة",
    "Incoming video call": "مكالمة فيديو واردة",
    "Incoming call": "مكالمة واردة",
    "edited": "معدّلة",
    "Photo unavailable": "الصورة غير متاحة",
    "Loading photo…": "جارٍ تحميل الصورة…",
    "File": "ملف",
    "Downloading…": "جارٍ التنزيل…",
    "Open": "فتح",
    "Download": "تنزيل",
    "📞 Call": "📞 مكالمة",
    "🖼 Photo": "🖼 صورة",
    "You": "أنت",
    "Unknown user": "مستخدم غير معروف",
    "Untitled group": "مجموعة بلا اسم",
    "Deleted message": "رسالة محذوفة",
    "Wrong username or password.": "اسم المستخدم أو كلمة السر غير صحيحة.",
    "This username is already taken.": "اسم المستخدم هذا مستخدم بالفعل.",
    "Usernames use 3–32 lower-case letters, digits and underscores.": "يتكون اسم المستخدم من 3 إلى 32 حرفًا لاتينيًا صغيرًا أو رقمًا أو شرطة سفلية.",
    "The password is too short (at least 8 characters).": "كلمة السر قصيرة جدًا (8 أحرف على الأقل).",
    "No user with this username.": "لا يوجد مستخدم بهذا الاسم.",
    "This chat no longer exists.": "لم تعد هذه المحادثة موجودة.",
    "This message no longer exists.": "لم تعد هذه الرسالة موجودة.",
    "You are not allowed to do this.": "غير مسموح لك بذلك.",
    "The message is too long.": "الرسالة طويلة جدًا.",
    "The message is empty.": "الرسالة فارغة.",
    "Too many requests. Please wait a moment and try again.": "طلبات كثيرة جدًا. انتظر قليلًا ثم حاول مجددًا.",
    "The file is too large (50 MB at most).": "الملف كبير جدًا (50 م.ب كحد أقصى).",
    "The group is full.": "المجموعة ممتلئة.",
    "This device was signed out. Sign in again.": "تم تسجيل خروج هذا الجهاز. سجّل الدخول مجددًا.",
    "The relay no longer knows this session. Sign in again.": "لم يعد الخادم يعرف هذه الجلسة. سجّل الدخول مجددًا.",
    "The session expired. Sign in again.": "انتهت الجلسة. سجّل الدخول مجددًا.",
    "The relay had a problem. Try again.": "حدثت مشكلة في الخادم. حاول مجددًا.",
    "Wrong passcode. Try again.": "رمز المرور غير صحيح. حاول مجددًا.",
    "Cannot reach the relay. Check the address and your connection.": "تعذّر الوصول إلى الخادم. تحقق من العنوان ومن اتصالك.",
    "The disk is full.": "القرص ممتلئ.",
    "This profile is open in another Risala window.": "هذا الملف مفتوح في نافذة أخرى من رسالة.",
    "Something went wrong: %1": "حدث خطأ: %1",
    # the call UI (ui/windows/call.py, pip.py, incoming_call.py, ui/calls/)
    "Calling…": "جارٍ الاتصال…",
    "Ringing…": "يرنّ…",
    "Incoming audio call": "مكالمة صوتية واردة",
    "Reconnecting…": "جارٍ إعادة الاتصال…",
    "Connected": "متصل",
    "Call ended": "انتهت المكالمة",
    "%1 declined the call": "رفض %1 المكالمة",
    "Call declined": "رُفضت المكالمة",
    "%1 is on another call": "%1 في مكالمة أخرى",
    "Call ended: you were busy": "انتهت المكالمة: كنت مشغولًا",
    "No answer from %1": "لا ردّ من %1",
    "Missed call from %1": "مكالمة فائتة من %1",
    "Call cancelled": "أُلغيت المكالمة",
    "%1 cancelled the call": "ألغى %1 المكالمة",
    "%1 went offline": "انقطع اتصال %1",
    "Answered on another device": "تمّ الردّ على جهاز آخر",
    "The call could not be connected": "تعذّر إجراء المكالمة",
    "Call with %1": "مكالمة مع %1",
    "Call quality": "جودة المكالمة",
    "If these four emoji match on both screens, your call is end-to-end secure.": "إذا تطابقت هذه الرموز التعبيرية الأربعة على الشاشتين، فمكالمتك مشفّرة بين الطرفين.",
    "Stop video": "إيقاف الفيديو",
    "Start video": "تشغيل الفيديو",
    "Switch camera": "تبديل الكاميرا",
    "Devices": "الأجهزة",
    "Minimise": "تصغير",
    "End call": "إنهاء المكالمة",
    "Camera is off": "الكاميرا متوقفة",
    "Measuring call quality…": "جارٍ قياس جودة المكالمة…",
    "Round-trip time: %1 ms": "زمن الذهاب والإياب: %1 ملّي ثانية",
    "Bitrate: %1 kbit/s sent, %2 kbit/s received": "معدّل البت: %1 كيلوبت/ث مُرسَل، %2 كيلوبت/ث مُستقبَل",
    "Packet loss: %1%": "فقدان الحزم: %1%",
    "Call": "مكالمة",
    "Turn camera off": "إيقاف الكاميرا",
    "Turn camera on": "تشغيل الكاميرا",
    "Back to call": "العودة إلى المكالمة",
    "Incoming call from %1": "مكالمة واردة من %1",
    "Decline": "رفض",
    "Audio": "صوت",
    "Video": "فيديو",
    "Accept with audio only": "الردّ بالصوت فقط",
    "Accept with video": "الردّ بالفيديو",
    "System default": "الافتراضي في النظام",
    "Test pattern": "نمط اختبار",
    "Test tone": "نغمة اختبار",
    "No speaker (silent)": "بلا مكبّر صوت (صامت)",
    "Camera": "الكاميرا",
    "Microphone": "الميكروفون",
    "Speaker": "مكبّر الصوت",
    "Changes apply to your next call. During a call, use the ⋯ button to switch.": "تُطبَّق التغييرات على مكالمتك التالية. أثناء المكالمة، استخدم الزر ⋯ للتبديل.",
    "Calls are only possible in one-to-one chats": "المكالمات متاحة في المحادثات الثنائية فقط",
}

# The same English word that reads differently in one context ("Mute" a chat vs. the
# microphone; "Connecting…" to the relay vs. a call being set up).
AR_IN_CONTEXT = {
    "CallTexts": {"Connecting…": "جارٍ التوصيل…"},
    "CallWindow": {"Mute": "كتم الصوت"},
    "PipWindow": {"Mute": "كتم الصوت"},
}

# Arabic plural forms (Qt order): zero, one, two, few (3–10), many (11–99), other
PLURALS = {
    "%n member(s)": ["لا أعضاء", "عضو واحد", "عضوان", "%n أعضاء", "%n عضوًا", "%n عضو"],
    "%n characters over the limit": [
        "لا أحرف زائدة",
        "حرف واحد زائد",
        "حرفان زائدان",
        "%n أحرف زائدة",
        "%n حرفًا زائدًا",
        "%n حرف زائد",
    ],
    "%n people are typing…": [
        "لا أحد يكتب",
        "شخص يكتب…",
        "شخصان يكتبان…",
        "%n أشخاص يكتبون…",
        "%n شخصًا يكتبون…",
        "%n شخص يكتبون…",
    ],
    "Risala: %n unread": [
        "رسالة: لا رسائل غير مقروءة",
        "رسالة: رسالة غير مقروءة",
        "رسالة: رسالتان غير مقروءتين",
        "رسالة: %n رسائل غير مقروءة",
        "رسالة: %n رسالة غير مقروءة",
        "رسالة: %n رسالة غير مقروءة",
    ],
    "%n result(s)": ["لا نتائج", "نتيجة واحدة", "نتيجتان", "%n نتائج", "%n نتيجة", "%n نتيجة"],
}

EXTRA = {
    "Format": ["Today", "Yesterday", "%1 B", "%1 KB", "%1 MB"],
    "ChatListDelegate": ["Draft:"],
    "MessageDelegate": [
        "Missed video call",
        "Missed call",
        "Declined call",
        "Busy",
        "Outgoing video call",
        "Outgoing call",
        "Incoming video call",
        "Incoming call",
        "edited",
        "Photo unavailable",
        "Loading photo…",
        "File",
        "Downloading…",
        "Open",
        "Download",
    ],
    "Session": [
        "📞 Call",
        "🖼 Photo",
        "File",
        "You",
        "Unknown user",
        "Untitled group",
        "Deleted message",
    ],
    "Errors": [
        "Wrong username or password.",
        "This username is already taken.",
        "Usernames use 3–32 lower-case letters, digits and underscores.",
        "The password is too short (at least 8 characters).",
        "No user with this username.",
        "This chat no longer exists.",
        "This message no longer exists.",
        "You are not allowed to do this.",
        "The message is too long.",
        "The message is empty.",
        "Too many requests. Please wait a moment and try again.",
        "The file is too large (50 MB at most).",
        "The group is full.",
        "This device was signed out. Sign in again.",
        "The session expired. Sign in again.",
        "The relay no longer knows this session. Sign in again.",
        "The relay had a problem. Try again.",
        "Wrong passcode. Try again.",
        "Cannot reach the relay. Check the address and your connection.",
        "The disk is full.",
        "This profile is open in another Risala window.",
        "Something went wrong: %1",
    ],
    "SettingsDialog": ["Calls"],
}


def main() -> int:
    ts_path = HERE / "risala_ar.ts"
    tree = ET.parse(ts_path)
    root = tree.getroot()
    root.set("language", "ar")
    contexts = {c.findtext("name"): c for c in root.iter("context")}
    for name, sources in EXTRA.items():
        ctx = contexts.get(name)
        if ctx is None:
            ctx = ET.SubElement(root, "context")
            ET.SubElement(ctx, "name").text = name
            contexts[name] = ctx
        have = {m.findtext("source") for m in ctx.iter("message")}
        for s in sources:
            if s not in have:
                m = ET.SubElement(ctx, "message")
                ET.SubElement(m, "source").text = s
                ET.SubElement(m, "translation")
    missing = []
    for ctx in root.iter("context"):
        for m in ctx.iter("message"):
            fill(m, AR_IN_CONTEXT.get(ctx.findtext("name") or "", {}), missing)
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run([str(lrelease), str(ts_path), "-qm", str(HERE / "risala_ar.qm")], check=True)
    if missing:
        print("untranslated:", missing)
    return 1 if missing else 0


def fill(m: ET.Element, overrides: dict[str, str], missing: list[str]) -> None:
    """Write the Arabic of one <message> (``overrides`` first: its context's own words)."""
    src = m.findtext("source")
    tr = m.find("translation")
    if tr is None:
        tr = ET.SubElement(m, "translation")
    for child in list(tr):
        tr.remove(child)
    tr.attrib.pop("type", None)
    if m.get("numerus") == "yes" or src in PLURALS:
        m.set("numerus", "yes")
        tr.text = None
        for form in PLURALS.get(src, [src] * 6):
            ET.SubElement(tr, "numerusform").text = form
        if src not in PLURALS:
            missing.append(src)
    elif src in overrides:
        tr.text = overrides[src]
    elif src in AR:
        tr.text = AR[src]
    else:
        tr.set("type", "unfinished")
        missing.append(src or "")


if __name__ == "__main__":
    raise SystemExit(main())
