"""The form pages (public link, staff entry form, tracking page) and the home and app pages."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # a language's name in itself: the switch of a page offers the other language by this name
    # the form page (form.html and form.js read these as ``t``)
    "page.forms.form.next": {"zh-CN": "下一步", "en": "Next"},
    "page.forms.form.back": {"zh-CN": "上一步", "en": "Back"},
    "page.forms.form.submit": {"zh-CN": "提交", "en": "Submit"},
    "page.forms.form.submitting": {"zh-CN": "正在提交…", "en": "Submitting…"},
    "page.forms.form.add_row": {"zh-CN": "添加一行", "en": "Add a row"},
    "page.forms.form.remove_row": {"zh-CN": "删除", "en": "Remove"},
    "page.forms.form.search": {"zh-CN": "搜索…", "en": "Search…"},
    "page.forms.form.thanks": {"zh-CN": "提交成功", "en": "Thank you — received"},
    "page.forms.form.track": {"zh-CN": "查看进度", "en": "Track progress"},
    "page.forms.form.step": {"zh-CN": "第 {n}/{total} 步", "en": "Step {n} of {total}"},
    "page.forms.form.fix": {"zh-CN": "请修改标红的内容", "en": "Please correct the fields marked in red"},
    "page.forms.form.offline": {
        "zh-CN": "网络不通,请稍后再试(内容不会丢失)",
        "en": "No connection; try again in a moment (nothing is lost)",
    },
    "page.forms.form.photos": {"zh-CN": "拍照或选择照片", "en": "Take or choose photos"},
    "page.forms.form.uploading": {"zh-CN": "正在上传…", "en": "Uploading…"},
    "page.forms.form.upload_failed": {"zh-CN": "上传失败", "en": "Upload failed"},
    "page.forms.form.choose": {"zh-CN": "请选择", "en": "Choose"},
    "page.forms.form.too_many_requests": {
        "zh-CN": "提交太频繁,请一分钟后再试",
        "en": "Too many submissions; wait a minute",
    },
    # the tracking page of one submission
    "page.forms.tracking.submitted": {"zh-CN": "已提交", "en": "Submitted"},
    "page.forms.tracking.details": {"zh-CN": "提交的内容", "en": "Details"},
    "page.forms.tracking.progress": {"zh-CN": "处理进度", "en": "Progress"},
    "page.forms.tracking.pending": {"zh-CN": "等待处理", "en": "Waiting"},
    # the home page and an app's page
    "page.forms.home.title": {"zh-CN": "Trellis 低代码平台", "en": "Trellis low-code engine"},
    "page.forms.home.apps": {"zh-CN": "已安装的应用", "en": "Installed apps"},
    "page.forms.home.version": {"zh-CN": "版本", "en": "version"},
    "page.forms.home.none": {
        "zh-CN": "还没有安装应用。运行 `trellis import apps/property_repair.json` 安装示例应用。",
        "en": "No app is installed yet. Run `trellis import apps/property_repair.json` to install the sample app.",
    },
    "page.forms.home.export": {"zh-CN": "导出", "en": "Export"},
    "page.forms.home.history": {"zh-CN": "版本记录", "en": "Versions"},
    "page.forms.home.logout": {"zh-CN": "退出", "en": "Sign out"},
    "page.forms.home.forms": {"zh-CN": "表单", "en": "Forms"},
    "page.forms.home.new": {"zh-CN": "新建记录", "en": "New record"},
    "page.forms.home.public": {"zh-CN": "公开链接", "en": "Public link"},
    "page.forms.home.qr": {"zh-CN": "二维码", "en": "QR code"},
    "page.forms.home.open": {"zh-CN": "打开", "en": "Open"},
}
