<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ar">
<context>
    <name>AccountPage</name>
    <message>
        <location filename="../../ui/windows/auth.py" line="136" />
        <source>Welcome to Risala</source>
        <translation>مرحبًا بك في رسالة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="139" />
        <source>Private messaging and calls. Create an account or sign in.</source>
        <translation>مراسلة ومكالمات خاصة. أنشئ حسابًا أو سجّل الدخول.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="144" />
        <source>Sign up</source>
        <translation>إنشاء حساب</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="145" />
        <location filename="../../ui/windows/auth.py" line="255" />
        <source>Sign in</source>
        <translation>تسجيل الدخول</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="154" />
        <source>e.g. amira_h</source>
        <translation>مثال: amira_h</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="156" />
        <source>Your name</source>
        <translation>اسمك</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="163" />
        <source>Relay:</source>
        <translation>الخادم:</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="164" />
        <source>Display name:</source>
        <translation>الاسم المعروض:</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="165" />
        <source>Local passcode:</source>
        <translation>رمز المرور المحلي:</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="166" />
        <source>Repeat passcode:</source>
        <translation>أعد رمز المرور:</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="168" />
        <source>Username:</source>
        <translation>اسم المستخدم:</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="170" />
        <source>Password:</source>
        <translation>كلمة السر:</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="174" />
        <source>The passcode encrypts your messages on this computer.</source>
        <translation>يشفّر رمز المرور رسائلك على هذا الحاسوب.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="178" />
        <source>Remember on this device</source>
        <translation>التذكّر على هذا الجهاز</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="181" />
        <source>Keep the key in the system keychain: Risala opens without the passcode on this computer.</source>
        <translation>احفظ المفتاح في سلسلة مفاتيح النظام: يُفتح رسالة دون رمز المرور على هذا الحاسوب.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="255" />
        <source>Create account</source>
        <translation>إنشاء الحساب</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="279" />
        <source>Enter the relay address.</source>
        <translation>أدخل عنوان الخادم.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="281" />
        <source>Enter a username.</source>
        <translation>أدخل اسم مستخدم.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="283" />
        <source>The password needs at least %1 characters.</source>
        <translation>يجب أن تتكون كلمة السر من %1 أحرف على الأقل.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="288" />
        <source>The passcode needs at least %1 characters.</source>
        <translation>يجب أن يتكون رمز المرور من %1 أحرف على الأقل.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="292" />
        <source>The passcodes don't match.</source>
        <translation>رمزا المرور غير متطابقين.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="298" />
        <source>Please wait…</source>
        <translation>يرجى الانتظار…</translation>
    </message>
</context>
<context>
    <name>AuthWindow</name>
    <message>
        <location filename="../../ui/windows/auth.py" line="314" />
        <source>Risala</source>
        <translation>رسالة</translation>
    </message>
</context>
<context>
    <name>CallController</name>
    <message>
        <location filename="../../ui/calls/controller.py" line="447" />
        <source>Calls are only possible in one-to-one chats</source>
        <translation>المكالمات متاحة في المحادثات الثنائية فقط</translation>
    </message>
</context>
<context>
    <name>CallSettingsPage</name>
    <message>
        <location filename="../../ui/calls/settings_page.py" line="48" />
        <source>Changes apply to your next call. During a call, use the ⋯ button to switch.</source>
        <translation>تُطبَّق التغييرات على مكالمتك التالية. أثناء المكالمة، استخدم الزر ⋯ للتبديل.</translation>
    </message>
</context>
<context>
    <name>CallTexts</name>
    <message>
        <location filename="../../ui/calls/state.py" line="110" />
        <source>Calling…</source>
        <translation>جارٍ الاتصال…</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="113" />
        <source>Ringing…</source>
        <translation>يرنّ…</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="114" />
        <source>Incoming video call</source>
        <translation>مكالمة فيديو واردة</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="114" />
        <source>Incoming audio call</source>
        <translation>مكالمة صوتية واردة</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="116" />
        <source>Connecting…</source>
        <translation>جارٍ التوصيل…</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="118" />
        <source>Reconnecting…</source>
        <translation>جارٍ إعادة الاتصال…</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="120" />
        <source>Connected</source>
        <translation>متصل</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="121" />
        <location filename="../../ui/calls/state.py" line="125" />
        <source>Call ended</source>
        <translation>انتهت المكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="128" />
        <source>%1 declined the call</source>
        <translation>رفض %1 المكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="130" />
        <source>Call declined</source>
        <translation>رُفضت المكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="134" />
        <source>%1 is on another call</source>
        <translation>%1 في مكالمة أخرى</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="136" />
        <source>Call ended: you were busy</source>
        <translation>انتهت المكالمة: كنت مشغولًا</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="140" />
        <source>No answer from %1</source>
        <translation>لا ردّ من %1</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="142" />
        <source>Missed call from %1</source>
        <translation>مكالمة فائتة من %1</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="146" />
        <source>Call cancelled</source>
        <translation>أُلغيت المكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="148" />
        <source>%1 cancelled the call</source>
        <translation>ألغى %1 المكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="151" />
        <source>%1 went offline</source>
        <translation>انقطع اتصال %1</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="153" />
        <source>Answered on another device</source>
        <translation>تمّ الردّ على جهاز آخر</translation>
    </message>
    <message>
        <location filename="../../ui/calls/state.py" line="154" />
        <source>The call could not be connected</source>
        <translation>تعذّر إجراء المكالمة</translation>
    </message>
</context>
<context>
    <name>CallWindow</name>
    <message>
        <location filename="../../ui/windows/call.py" line="203" />
        <source>Call with %1</source>
        <translation>مكالمة مع %1</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="208" />
        <source>You</source>
        <translation>أنت</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="256" />
        <source>Call quality</source>
        <translation>جودة المكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="272" />
        <source>If these four emoji match on both screens, your call is end-to-end secure.</source>
        <translation>إذا تطابقت هذه الرموز التعبيرية الأربعة على الشاشتين، فمكالمتك مشفّرة بين الطرفين.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="298" />
        <location filename="../../ui/windows/call.py" line="544" />
        <source>Mute</source>
        <translation>كتم الصوت</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="299" />
        <location filename="../../ui/windows/call.py" line="547" />
        <source>Stop video</source>
        <translation>إيقاف الفيديو</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="300" />
        <source>Switch camera</source>
        <translation>تبديل الكاميرا</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="301" />
        <source>Devices</source>
        <translation>الأجهزة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="302" />
        <source>Minimise</source>
        <translation>تصغير</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="303" />
        <location filename="../../ui/windows/call.py" line="532" />
        <source>End call</source>
        <translation>إنهاء المكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="395" />
        <source>Measuring call quality…</source>
        <translation>جارٍ قياس جودة المكالمة…</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="403" />
        <source>Round-trip time: %1 ms</source>
        <translation>زمن الذهاب والإياب: %1 ملّي ثانية</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="404" />
        <source>Bitrate: %1 kbit/s sent, %2 kbit/s received</source>
        <translation>معدّل البت: %1 كيلوبت/ث مُرسَل، %2 كيلوبت/ث مُستقبَل</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="407" />
        <source>Packet loss: %1%</source>
        <translation>فقدان الحزم: %1%</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="525" />
        <source>Audio call</source>
        <translation>مكالمة صوتية</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="527" />
        <source>Camera is off</source>
        <translation>الكاميرا متوقفة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="532" />
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="544" />
        <source>Unmute</source>
        <translation>إلغاء الكتم</translation>
    </message>
    <message>
        <location filename="../../ui/windows/call.py" line="547" />
        <source>Start video</source>
        <translation>تشغيل الفيديو</translation>
    </message>
</context>
<context>
    <name>ChatHeader</name>
    <message>
        <location filename="../../ui/widgets/chat_header.py" line="38" />
        <source>Search in chat</source>
        <translation>البحث في المحادثة</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/chat_header.py" line="40" />
        <source>Audio call</source>
        <translation>مكالمة صوتية</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/chat_header.py" line="44" />
        <source>Video call</source>
        <translation>مكالمة فيديو</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/chat_header.py" line="47" />
        <source>Chat info</source>
        <translation>معلومات المحادثة</translation>
    </message>
</context>
<context>
    <name>ChatInfoDialog</name>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="44" />
        <source>Group info</source>
        <translation>معلومات المجموعة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="44" />
        <source>Contact info</source>
        <translation>معلومات جهة الاتصال</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="68" />
        <source>Add member…</source>
        <translation>إضافة عضو…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="69" />
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="70" />
        <location filename="../../ui/dialogs/group_info.py" line="143" />
        <source>Make admin</source>
        <translation>تعيين مشرفًا</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="71" />
        <source>Rename…</source>
        <translation>إعادة التسمية…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="72" />
        <location filename="../../ui/dialogs/group_info.py" line="183" />
        <source>Leave group</source>
        <translation>مغادرة المجموعة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="77" />
        <source>Members</source>
        <translation>الأعضاء</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="87" />
        <source>Close</source>
        <translation>إغلاق</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="110" />
        <source>owner</source>
        <translation>المالك</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="110" />
        <source>admin</source>
        <translation>مشرف</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="118" />
        <source>(you)</source>
        <translation>(أنت)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/dialogs/group_info.py" line="123" />
        <source>%n member(s)</source>
        <translation><numerusform>لا أعضاء</numerusform><numerusform>عضو واحد</numerusform><numerusform>عضوان</numerusform><numerusform>%n أعضاء</numerusform><numerusform>%n عضوًا</numerusform><numerusform>%n عضو</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="141" />
        <source>Remove admin</source>
        <translation>إلغاء الإشراف</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="154" />
        <source>Add member</source>
        <translation>إضافة عضو</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="154" />
        <source>Username:</source>
        <translation>اسم المستخدم:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="173" />
        <source>Rename group</source>
        <translation>إعادة تسمية المجموعة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="173" />
        <source>Name:</source>
        <translation>الاسم:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/group_info.py" line="183" />
        <source>Leave this group?</source>
        <translation>هل تريد مغادرة هذه المجموعة؟</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../ui/widgets/chat_view.py" line="63" />
        <source>Jump to the newest message</source>
        <translation>الانتقال إلى أحدث رسالة</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/chat_view.py" line="183" />
        <source>Reply</source>
        <translation>رد</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/chat_view.py" line="186" />
        <source>Copy text</source>
        <translation>نسخ النص</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/chat_view.py" line="189" />
        <source>Edit</source>
        <translation>تعديل</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/chat_view.py" line="191" />
        <source>Retry sending</source>
        <translation>إعادة محاولة الإرسال</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/chat_view.py" line="194" />
        <source>Delete…</source>
        <translation>حذف…</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../ui/widgets/composer.py" line="113" />
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/composer.py" line="123" />
        <source>Attach a photo or file</source>
        <translation>إرفاق صورة أو ملف</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/composer.py" line="127" />
        <source>Photo…</source>
        <translation>صورة…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/composer.py" line="130" />
        <source>File…</source>
        <translation>ملف…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/composer.py" line="135" />
        <source>Write a message…</source>
        <translation>اكتب رسالة…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/composer.py" line="141" />
        <source>Send (Enter)</source>
        <translation>إرسال (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/composer.py" line="186" />
        <source>Message too long</source>
        <translation>الرسالة طويلة جدًا</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/widgets/composer.py" line="188" />
        <source>%n characters over the limit</source>
        <translation><numerusform>لا أحرف زائدة</numerusform><numerusform>حرف واحد زائد</numerusform><numerusform>حرفان زائدان</numerusform><numerusform>%n أحرف زائدة</numerusform><numerusform>%n حرفًا زائدًا</numerusform><numerusform>%n حرف زائد</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/composer.py" line="207" />
        <source>Reply to %1</source>
        <translation>الرد على %1</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/composer.py" line="216" />
        <source>Edit message</source>
        <translation>تعديل الرسالة</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <location filename="../../ui/widgets/banner.py" line="32" />
        <source>Waiting for network…</source>
        <translation>في انتظار الشبكة…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/banner.py" line="34" />
        <source>Connecting…</source>
        <translation>جارٍ الاتصال…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/banner.py" line="36" />
        <source>Signed out by the relay. Sign in again.</source>
        <translation>سجّل الخادم خروجك. سجّل الدخول مجددًا.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/banner.py" line="38" />
        <source>Updating…</source>
        <translation>جارٍ التحديث…</translation>
    </message>
</context>
<context>
    <name>DeviceTexts</name>
    <message>
        <location filename="../../ui/calls/devices.py" line="47" />
        <source>System default</source>
        <translation>الافتراضي في النظام</translation>
    </message>
    <message>
        <location filename="../../ui/calls/devices.py" line="51" />
        <source>Test pattern</source>
        <translation>نمط اختبار</translation>
    </message>
    <message>
        <location filename="../../ui/calls/devices.py" line="53" />
        <source>Test tone</source>
        <translation>نغمة اختبار</translation>
    </message>
    <message>
        <location filename="../../ui/calls/devices.py" line="54" />
        <source>No speaker (silent)</source>
        <translation>بلا مكبّر صوت (صامت)</translation>
    </message>
    <message>
        <location filename="../../ui/calls/devices.py" line="58" />
        <source>Camera</source>
        <translation>الكاميرا</translation>
    </message>
    <message>
        <location filename="../../ui/calls/devices.py" line="60" />
        <source>Microphone</source>
        <translation>الميكروفون</translation>
    </message>
    <message>
        <location filename="../../ui/calls/devices.py" line="61" />
        <source>Speaker</source>
        <translation>مكبّر الصوت</translation>
    </message>
</context>
<context>
    <name>IncomingCallWindow</name>
    <message>
        <location filename="../../ui/windows/incoming_call.py" line="45" />
        <source>Incoming call from %1</source>
        <translation>مكالمة واردة من %1</translation>
    </message>
    <message>
        <location filename="../../ui/windows/incoming_call.py" line="87" />
        <source>Decline</source>
        <translation>رفض</translation>
    </message>
    <message>
        <location filename="../../ui/windows/incoming_call.py" line="88" />
        <source>Audio</source>
        <translation>صوت</translation>
    </message>
    <message>
        <location filename="../../ui/windows/incoming_call.py" line="89" />
        <source>Video</source>
        <translation>فيديو</translation>
    </message>
    <message>
        <location filename="../../ui/windows/incoming_call.py" line="90" />
        <location filename="../../ui/windows/incoming_call.py" line="91" />
        <source>Accept with audio only</source>
        <translation>الردّ بالصوت فقط</translation>
    </message>
    <message>
        <location filename="../../ui/windows/incoming_call.py" line="92" />
        <location filename="../../ui/windows/incoming_call.py" line="93" />
        <source>Accept with video</source>
        <translation>الردّ بالفيديو</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/windows/main_window.py" line="79" />
        <location filename="../../ui/windows/main_window.py" line="272" />
        <source>Risala</source>
        <translation>رسالة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="93" />
        <source>Menu</source>
        <translation>القائمة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="96" />
        <source>New chat…</source>
        <translation>محادثة جديدة…</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="97" />
        <source>New group…</source>
        <translation>مجموعة جديدة…</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="98" />
        <source>Search messages…</source>
        <translation>البحث في الرسائل…</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="100" />
        <source>Settings…</source>
        <translation>الإعدادات…</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="104" />
        <source>Search chats</source>
        <translation>البحث في المحادثات</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="132" />
        <source>Select a chat to start messaging</source>
        <translation>اختر محادثة لبدء المراسلة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="329" />
        <source>Group</source>
        <translation>مجموعة</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/windows/main_window.py" line="346" />
        <source>%n member(s)</source>
        <translation><numerusform>لا أعضاء</numerusform><numerusform>عضو واحد</numerusform><numerusform>عضوان</numerusform><numerusform>%n أعضاء</numerusform><numerusform>%n عضوًا</numerusform><numerusform>%n عضو</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="358" />
        <source>Unpin</source>
        <translation>إلغاء التثبيت</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="358" />
        <source>Pin</source>
        <translation>تثبيت</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="362" />
        <source>Unmute</source>
        <translation>إلغاء الكتم</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="362" />
        <source>Mute</source>
        <translation>كتم</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="486" />
        <source>%1 is typing…</source>
        <translation>%1 يكتب…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/windows/main_window.py" line="487" />
        <source>%n people are typing…</source>
        <translation><numerusform>لا أحد يكتب</numerusform><numerusform>شخص يكتب…</numerusform><numerusform>شخصان يكتبان…</numerusform><numerusform>%n أشخاص يكتبون…</numerusform><numerusform>%n شخصًا يكتبون…</numerusform><numerusform>%n شخص يكتبون…</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="526" />
        <source>Send a photo</source>
        <translation>إرسال صورة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="528" />
        <source>Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp)</source>
        <translation>الصور (*.png *.jpg *.jpeg *.gif *.webp *.bmp)</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="531" />
        <source>Send a file</source>
        <translation>إرسال ملف</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="583" />
        <source>Delete message</source>
        <translation>حذف الرسالة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="584" />
        <source>Delete this message for everyone?</source>
        <translation>هل تريد حذف هذه الرسالة لدى الجميع؟</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="587" />
        <source>Delete</source>
        <translation>حذف</translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="588" />
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
</context>
<context>
    <name>NewChatDialog</name>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="70" />
        <source>New chat</source>
        <translation>محادثة جديدة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="72" />
        <source>username</source>
        <translation>اسم المستخدم</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="73" />
        <source>Username:</source>
        <translation>اسم المستخدم:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="74" />
        <source>Start chat</source>
        <translation>بدء المحادثة</translation>
    </message>
</context>
<context>
    <name>NewGroupDialog</name>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="87" />
        <source>New group</source>
        <translation>مجموعة جديدة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="89" />
        <source>Group name</source>
        <translation>اسم المجموعة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="91" />
        <source>usernames, separated by commas</source>
        <translation>أسماء المستخدمين مفصولة بفواصل</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="92" />
        <source>Name:</source>
        <translation>الاسم:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="93" />
        <source>Members:</source>
        <translation>الأعضاء:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="94" />
        <source>Create group</source>
        <translation>إنشاء المجموعة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="99" />
        <source>Give the group a name.</source>
        <translation>أعطِ المجموعة اسمًا.</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <location filename="../../ui/tray.py" line="60" />
        <source>Show Risala</source>
        <translation>إظهار رسالة</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="61" />
        <source>Quit</source>
        <translation>إنهاء</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="66" />
        <location filename="../../ui/tray.py" line="74" />
        <location filename="../../ui/tray.py" line="75" />
        <source>Risala</source>
        <translation>رسالة</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/tray.py" line="74" />
        <source>Risala: %n unread</source>
        <translation><numerusform>رسالة: لا رسائل غير مقروءة</numerusform><numerusform>رسالة: رسالة غير مقروءة</numerusform><numerusform>رسالة: رسالتان غير مقروءتين</numerusform><numerusform>رسالة: %n رسائل غير مقروءة</numerusform><numerusform>رسالة: %n رسالة غير مقروءة</numerusform><numerusform>رسالة: %n رسالة غير مقروءة</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="113" />
        <source>New message</source>
        <translation>رسالة جديدة</translation>
    </message>
</context>
<context>
    <name>PipWindow</name>
    <message>
        <location filename="../../ui/windows/pip.py" line="83" />
        <source>Call</source>
        <translation>مكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/pip.py" line="112" />
        <location filename="../../ui/windows/pip.py" line="518" />
        <source>Mute</source>
        <translation>كتم الصوت</translation>
    </message>
    <message>
        <location filename="../../ui/windows/pip.py" line="115" />
        <location filename="../../ui/windows/pip.py" line="522" />
        <source>Turn camera off</source>
        <translation>إيقاف الكاميرا</translation>
    </message>
    <message>
        <location filename="../../ui/windows/pip.py" line="117" />
        <source>Back to call</source>
        <translation>العودة إلى المكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/pip.py" line="119" />
        <source>End call</source>
        <translation>إنهاء المكالمة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/pip.py" line="518" />
        <source>Unmute</source>
        <translation>إلغاء الكتم</translation>
    </message>
    <message>
        <location filename="../../ui/windows/pip.py" line="520" />
        <source>Turn camera on</source>
        <translation>تشغيل الكاميرا</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <location filename="../../ui/dialogs/search.py" line="37" />
        <source>Search in this chat</source>
        <translation>البحث في هذه المحادثة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/search.py" line="37" />
        <source>Search messages</source>
        <translation>البحث في الرسائل</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/search.py" line="42" />
        <source>Search</source>
        <translation>بحث</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/dialogs/search.py" line="77" />
        <source>%n result(s)</source>
        <translation><numerusform>لا نتائج</numerusform><numerusform>نتيجة واحدة</numerusform><numerusform>نتيجتان</numerusform><numerusform>%n نتائج</numerusform><numerusform>%n نتيجة</numerusform><numerusform>%n نتيجة</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/search.py" line="77" />
        <source>No messages found</source>
        <translation>لم يُعثر على رسائل</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="61" />
        <source>Settings</source>
        <translation>الإعدادات</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="70" />
        <source>Close</source>
        <translation>إغلاق</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="76" />
        <source>Profile</source>
        <translation>الملف الشخصي</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="77" />
        <source>Privacy and security</source>
        <translation>الخصوصية والأمان</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="78" />
        <source>Appearance</source>
        <translation>المظهر</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="79" />
        <source>Notifications</source>
        <translation>الإشعارات</translation>
    </message>
    <message>
        <location filename="../../ui/calls/settings_page.py" line="89" />
        <location filename="../../ui/dialogs/settings.py" line="81" />
        <location filename="../../ui/dialogs/settings.py" line="86" />
        <source>Calls</source>
        <translation>المكالمات</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="82" />
        <source>Camera and microphone settings will appear here.</source>
        <translation>ستظهر إعدادات الكاميرا والميكروفون هنا.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="112" />
        <source>Display name:</source>
        <translation>الاسم المعروض:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="115" />
        <source>Username:</source>
        <translation>اسم المستخدم:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="116" />
        <source>Save</source>
        <translation>حفظ</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="122" />
        <location filename="../../ui/dialogs/settings.py" line="140" />
        <source>Sign out</source>
        <translation>تسجيل الخروج</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="134" />
        <source>Saved.</source>
        <translation>تم الحفظ.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="140" />
        <source>Sign out of this device?</source>
        <translation>هل تريد تسجيل الخروج من هذا الجهاز؟</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="158" />
        <source>Change the local passcode that unlocks this profile.</source>
        <translation>غيّر رمز المرور المحلي الذي يفتح هذا الملف.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="159" />
        <source>Current passcode:</source>
        <translation>رمز المرور الحالي:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="160" />
        <source>New passcode:</source>
        <translation>رمز المرور الجديد:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="161" />
        <source>Repeat new passcode:</source>
        <translation>أعد رمز المرور الجديد:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="162" />
        <source>Change passcode</source>
        <translation>تغيير رمز المرور</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="177" />
        <source>The passcode needs at least 4 characters.</source>
        <translation>يجب أن يتكون رمز المرور من 4 أحرف على الأقل.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="180" />
        <source>The new passcodes don't match.</source>
        <translation>رمزا المرور الجديدان غير متطابقين.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="182" />
        <source>Changing…</source>
        <translation>جارٍ التغيير…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="187" />
        <source>Passcode changed.</source>
        <translation>تم تغيير رمز المرور.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="200" />
        <source>Follow the system</source>
        <translation>اتباع النظام</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="201" />
        <source>Light</source>
        <translation>فاتح</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="202" />
        <source>Dark</source>
        <translation>داكن</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="207" />
        <source>System language</source>
        <translation>لغة النظام</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="222" />
        <source>Theme:</source>
        <translation>السمة:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="223" />
        <source>Language:</source>
        <translation>اللغة:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="229" />
        <source>Show notifications for new messages</source>
        <translation>إظهار إشعارات الرسائل الجديدة</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="230" />
        <source>Show message text in notifications</source>
        <translation>إظهار نص الرسالة في الإشعارات</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings.py" line="240" />
        <source>Muted chats never notify. Mute a chat from its menu in the chat list.</source>
        <translation>المحادثات المكتومة لا تُرسل إشعارات. اكتم محادثة من قائمتها في قائمة المحادثات.</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <location filename="../../ui/windows/auth.py" line="71" />
        <source>Unlock Risala</source>
        <translation>فتح رسالة</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="74" />
        <source>Enter your local passcode to open your chats.</source>
        <translation>أدخل رمز المرور المحلي لفتح محادثاتك.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="80" />
        <source>Passcode</source>
        <translation>رمز المرور</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="87" />
        <source>Remember on this device</source>
        <translation>التذكّر على هذا الجهاز</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="90" />
        <source>Keep the key in the system keychain: Risala opens without the passcode on this computer.</source>
        <translation>احفظ المفتاح في سلسلة مفاتيح النظام: يُفتح رسالة دون رمز المرور على هذا الحاسوب.</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="95" />
        <location filename="../../ui/windows/auth.py" line="118" />
        <source>Unlock</source>
        <translation>فتح</translation>
    </message>
    <message>
        <location filename="../../ui/windows/auth.py" line="118" />
        <source>Unlocking…</source>
        <translation>جارٍ الفتح…</translation>
    </message>
</context>
<context>
    <name>_AsyncDialog</name>
    <message>
        <location filename="../../ui/dialogs/new_chat.py" line="46" />
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
</context>
<context><name>Format</name><message><source>Today</source><translation>اليوم</translation></message><message><source>Yesterday</source><translation>أمس</translation></message><message><source>%1 B</source><translation>%1 بايت</translation></message><message><source>%1 KB</source><translation>%1 ك.ب</translation></message><message><source>%1 MB</source><translation>%1 م.ب</translation></message></context><context><name>ChatListDelegate</name><message><source>Draft:</source><translation>مسودة:</translation></message></context><context><name>MessageDelegate</name><message><source>Missed video call</source><translation>مكالمة فيديو فائتة</translation></message><message><source>Missed call</source><translation>مكالمة فائتة</translation></message><message><source>Declined call</source><translation>مكالمة مرفوضة</translation></message><message><source>Busy</source><translation>مشغول</translation></message><message><source>Outgoing video call</source><translation>مكالمة فيديو صادرة</translation></message><message><source>Outgoing call</source><translation>مكالمة صادرة</translation></message><message><source>Incoming video call</source><translation>مكالمة فيديو واردة</translation></message><message><source>Incoming call</source><translation>مكالمة واردة</translation></message><message><source>edited</source><translation>معدّلة</translation></message><message><source>Photo unavailable</source><translation>الصورة غير متاحة</translation></message><message><source>Loading photo…</source><translation>جارٍ تحميل الصورة…</translation></message><message><source>File</source><translation>ملف</translation></message><message><source>Downloading…</source><translation>جارٍ التنزيل…</translation></message><message><source>Open</source><translation>فتح</translation></message><message><source>Download</source><translation>تنزيل</translation></message></context><context><name>Session</name><message><source>📞 Call</source><translation>📞 مكالمة</translation></message><message><source>🖼 Photo</source><translation>🖼 صورة</translation></message><message><source>File</source><translation>ملف</translation></message><message><source>You</source><translation>أنت</translation></message><message><source>Unknown user</source><translation>مستخدم غير معروف</translation></message><message><source>Untitled group</source><translation>مجموعة بلا اسم</translation></message><message><source>Deleted message</source><translation>رسالة محذوفة</translation></message></context><context><name>Errors</name><message><source>Wrong username or password.</source><translation>اسم المستخدم أو كلمة السر غير صحيحة.</translation></message><message><source>This username is already taken.</source><translation>اسم المستخدم هذا مستخدم بالفعل.</translation></message><message><source>Usernames use 3–32 lower-case letters, digits and underscores.</source><translation>يتكون اسم المستخدم من 3 إلى 32 حرفًا لاتينيًا صغيرًا أو رقمًا أو شرطة سفلية.</translation></message><message><source>The password is too short (at least 8 characters).</source><translation>كلمة السر قصيرة جدًا (8 أحرف على الأقل).</translation></message><message><source>No user with this username.</source><translation>لا يوجد مستخدم بهذا الاسم.</translation></message><message><source>This chat no longer exists.</source><translation>لم تعد هذه المحادثة موجودة.</translation></message><message><source>This message no longer exists.</source><translation>لم تعد هذه الرسالة موجودة.</translation></message><message><source>You are not allowed to do this.</source><translation>غير مسموح لك بذلك.</translation></message><message><source>The message is too long.</source><translation>الرسالة طويلة جدًا.</translation></message><message><source>The message is empty.</source><translation>الرسالة فارغة.</translation></message><message><source>Too many requests. Please wait a moment and try again.</source><translation>طلبات كثيرة جدًا. انتظر قليلًا ثم حاول مجددًا.</translation></message><message><source>The file is too large (50 MB at most).</source><translation>الملف كبير جدًا (50 م.ب كحد أقصى).</translation></message><message><source>The group is full.</source><translation>المجموعة ممتلئة.</translation></message><message><source>This device was signed out. Sign in again.</source><translation>تم تسجيل خروج هذا الجهاز. سجّل الدخول مجددًا.</translation></message><message><source>The session expired. Sign in again.</source><translation>انتهت الجلسة. سجّل الدخول مجددًا.</translation></message><message><source>The relay no longer knows this session. Sign in again.</source><translation>لم يعد الخادم يعرف هذه الجلسة. سجّل الدخول مجددًا.</translation></message><message><source>The relay had a problem. Try again.</source><translation>حدثت مشكلة في الخادم. حاول مجددًا.</translation></message><message><source>Wrong passcode. Try again.</source><translation>رمز المرور غير صحيح. حاول مجددًا.</translation></message><message><source>Cannot reach the relay. Check the address and your connection.</source><translation>تعذّر الوصول إلى الخادم. تحقق من العنوان ومن اتصالك.</translation></message><message><source>The disk is full.</source><translation>القرص ممتلئ.</translation></message><message><source>This profile is open in another Risala window.</source><translation>هذا الملف مفتوح في نافذة أخرى من رسالة.</translation></message><message><source>Something went wrong: %1</source><translation>حدث خطأ: %1</translation></message></context></TS>